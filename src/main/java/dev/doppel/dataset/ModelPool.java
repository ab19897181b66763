package dev.doppel.dataset;

import dev.doppel.swap.Swapper;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Loaded swappers kept between clips: a worker borrows one for a clip and gives it back, so a model
 * file is loaded once per worker that renders it at the same time (once per JVM when one clip
 * renders at a time), not once per clip. The pool owns every swapper it opened until {@link
 * #close}.
 */
public final class ModelPool implements AutoCloseable {
  private static final ModelPool SHARED = new ModelPool();

  static {
    // a Spark executor has no end of work to close its pool at: the JVM's exit is that end
    Runtime.getRuntime().addShutdownHook(new Thread(SHARED::close, "doppel-model-pool"));
  }

  private final Map<String, Deque<Swapper>> idle = new HashMap<>();
  private final List<Swapper> opened = new ArrayList<>();
  private boolean closed;

  /** The pool of this JVM, for work that arrives one task at a time (a Spark executor). */
  public static ModelPool shared() {
    return SHARED;
  }

  /** A swapper for the task, prepared for its source face; give it back when the clip is done. */
  public Swapper borrow(ClipTask.FakeTask task) {
    Swapper s;
    synchronized (this) {
      if (closed) throw new IllegalStateException("model pool closed");
      Deque<Swapper> free = idle.get(task.modelKey());
      s = free == null ? null : free.poll();
    }
    if (s == null) {
      s = task.open(); // outside the lock: loading takes seconds
      synchronized (this) {
        if (closed) {
          s.close();
          throw new IllegalStateException("model pool closed");
        }
        opened.add(s);
      }
    }
    task.prepare(s);
    return s;
  }

  public synchronized void giveBack(ClipTask.FakeTask task, Swapper swapper) {
    if (closed) return;
    idle.computeIfAbsent(task.modelKey(), k -> new ArrayDeque<>()).push(swapper);
  }

  /** Swappers loaded so far (for tests and the log). */
  public synchronized int loaded() {
    return opened.size();
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    opened.forEach(Swapper::close);
    opened.clear();
    idle.clear();
  }
}
