package dev.doppel.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs items (video frames) from a source through stages, each on its own thread, joined by bounded
 * queues; the sink runs on the calling thread. A slow stage holds up the ones before it
 * (back-pressure), so the number of frames in flight — native memory — is bounded by the queue
 * capacities. One thread per stage keeps the items in source order. The first failure anywhere
 * stops every thread, closes the items in flight and is rethrown to the caller.
 *
 * <p>Without threads ({@link #runInline}), the same stages run one after another per item: the
 * reference the threaded path must match frame for frame.
 */
// T is closed in try-with-resources; javac's "try" lint warns that AutoCloseable.close() may
// throw InterruptedException, which the frame types here never do
@SuppressWarnings("try")
public final class FramePipeline<T extends AutoCloseable> {
  /** Makes the next item, or null at the end. */
  @FunctionalInterface
  public interface Source<T> {
    T next() throws Exception;
  }

  /** Works on one item in place. */
  @FunctionalInterface
  public interface Stage<T> {
    void apply(T item) throws Exception;
  }

  private final Source<T> source;
  private final List<Stage<T>> stages;
  private final Stage<T> sink;
  private final int capacity;

  /**
   * @param stages the middle stages, each on its own thread (the source has one too)
   * @param sink the last stage, on the calling thread; items are closed after it
   * @param capacity items each queue holds
   */
  public FramePipeline(Source<T> source, List<Stage<T>> stages, Stage<T> sink, int capacity) {
    this.source = source;
    this.stages = List.copyOf(stages);
    this.sink = sink;
    this.capacity = capacity;
  }

  /** Every item through every stage, one item at a time, on the calling thread. */
  public void runInline() {
    try {
      for (T item = source.next(); item != null; item = source.next()) {
        try (T it = item) {
          for (Stage<T> s : stages) s.apply(it);
          sink.apply(it);
        }
      }
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A queue slot: an item, or the end of the stream. */
  private record Slot<T>(T item) {}

  /** Runs the stages on their own threads; returns when the sink has seen the last item. */
  public void run() {
    List<BlockingQueue<Slot<T>>> queues = new ArrayList<>();
    for (int i = 0; i <= stages.size(); i++) queues.add(new ArrayBlockingQueue<>(capacity));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    threads.add(
        thread(
            "doppel-source",
            failure,
            () -> {
              BlockingQueue<Slot<T>> out = queues.get(0);
              for (T item = source.next(); item != null; item = source.next()) {
                putOrClose(out, item, failure);
              }
              out.put(new Slot<>(null));
            }));
    for (int i = 0; i < stages.size(); i++) {
      Stage<T> stage = stages.get(i);
      BlockingQueue<Slot<T>> in = queues.get(i);
      BlockingQueue<Slot<T>> out = queues.get(i + 1);
      threads.add(
          thread(
              "doppel-stage-" + (i + 1),
              failure,
              () -> {
                for (Slot<T> slot = in.take(); slot.item() != null; slot = in.take()) {
                  T item = slot.item();
                  try {
                    stage.apply(item);
                  } catch (Exception | Error e) {
                    item.close();
                    throw e;
                  }
                  putOrClose(out, item, failure);
                }
                out.put(new Slot<>(null));
              }));
    }
    threads.forEach(Thread::start);
    BlockingQueue<Slot<T>> last = queues.get(stages.size());
    try {
      while (true) {
        Slot<T> slot = last.poll(50, TimeUnit.MILLISECONDS);
        if (failure.get() != null) {
          if (slot != null) closeQuietly(slot.item()); // taken off the queue: ours to close
          break;
        }
        if (slot == null) continue;
        if (slot.item() == null) break;
        try (T item = slot.item()) {
          sink.apply(item);
        }
      }
    } catch (Exception | Error e) {
      failure.compareAndSet(null, e);
    } finally {
      threads.forEach(Thread::interrupt);
      for (Thread t : threads) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      for (BlockingQueue<Slot<T>> q : queues) {
        for (Slot<T> s; (s = q.poll()) != null; ) closeQuietly(s.item());
      }
    }
    Throwable f = failure.get();
    if (f instanceof RuntimeException re) throw re;
    if (f instanceof Error err) throw err;
    if (f != null) throw new IllegalStateException(f);
  }

  @FunctionalInterface
  private interface Body {
    void run() throws Exception;
  }

  private static Thread thread(String name, AtomicReference<Throwable> failure, Body body) {
    Thread t =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (InterruptedException e) {
                // stopped because another stage failed
              } catch (Exception | Error e) {
                failure.compareAndSet(null, e);
              }
            },
            name);
    t.setDaemon(true);
    return t;
  }

  private void putOrClose(BlockingQueue<Slot<T>> out, T item, AtomicReference<Throwable> failure)
      throws Exception {
    try {
      while (!out.offer(new Slot<>(item), 50, TimeUnit.MILLISECONDS)) {
        if (failure.get() != null) throw new InterruptedException("pipeline stopped");
      }
    } catch (InterruptedException e) {
      item.close();
      throw e;
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) return;
    try {
      c.close();
    } catch (Exception ignored) {
      // shutting down after a failure: the first error is what matters
    }
  }
}
