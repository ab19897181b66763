package dev.doppel.swap;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Loaded swappers kept between clips or jobs: a worker borrows one for a clip and gives it back, so
 * a model file is loaded once per worker that renders it at the same time (once per JVM when one
 * clip renders at a time), not once per clip. The pool owns every swapper it opened until {@link
 * #close}. A batch {@link #activate activates} one for the jobs it runs; {@code SwapJob} borrows
 * its pair model from the active pool, if any.
 */
public final class SwapperPool implements AutoCloseable {
  private static final SwapperPool SHARED = new SwapperPool();
  private static volatile SwapperPool active;

  static {
    // a Spark executor has no end of work to close its pool at: the JVM's exit is that end
    Runtime.getRuntime().addShutdownHook(new Thread(SHARED::close, "doppel-model-pool"));
  }

  private final Map<String, Deque<Swapper>> idle = new HashMap<>();
  private final List<Swapper> opened = new ArrayList<>();
  private boolean closed;

  /** The pool of this JVM, for work that arrives one task at a time (a Spark executor). */
  public static SwapperPool shared() {
    return SHARED;
  }

  /** The pool jobs of this JVM borrow from now, or null. */
  public static SwapperPool active() {
    return active;
  }

  /** Makes {@code pool} the one jobs borrow from (null: none). */
  public static void activate(SwapperPool pool) {
    active = pool;
  }

  /** A swapper for {@code key}, opened by {@code open} when none is free; give it back after. */
  public Swapper borrow(String key, Supplier<Swapper> open) {
    Swapper s;
    synchronized (this) {
      if (closed) throw new IllegalStateException("model pool closed");
      Deque<Swapper> free = idle.get(key);
      s = free == null ? null : free.poll();
    }
    if (s != null) return s;
    s = open.get(); // outside the lock: loading takes seconds
    synchronized (this) {
      if (closed) {
        s.close();
        throw new IllegalStateException("model pool closed");
      }
      opened.add(s);
    }
    return s;
  }

  public synchronized void giveBack(String key, Swapper swapper) {
    if (closed) return;
    idle.computeIfAbsent(key, k -> new ArrayDeque<>()).push(swapper);
  }

  /** Swappers loaded so far (for tests and the log). */
  public synchronized int loaded() {
    return opened.size();
  }

  /**
   * A swapper a job uses for its run: borrowed from a pool (given back on close) or its own (closed
   * on close).
   */
  public record Lease(Swapper swapper, SwapperPool pool, String key) implements AutoCloseable {
    public static Lease own(Swapper swapper) {
      return new Lease(swapper, null, null);
    }

    /** From {@code pool} when there is one, else opened for this job alone. */
    public static Lease of(SwapperPool pool, String key, Supplier<Swapper> open) {
      return pool == null ? own(open.get()) : new Lease(pool.borrow(key, open), pool, key);
    }

    @Override
    public void close() {
      if (pool == null) swapper.close();
      else pool.giveBack(key, swapper);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    if (active == this) active = null;
    opened.forEach(Swapper::close);
    opened.clear();
    idle.clear();
  }
}
