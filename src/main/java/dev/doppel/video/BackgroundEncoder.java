package dev.doppel.video;

import dev.doppel.DoppelException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Runs a {@link VideoWriter} on its own thread so encoding overlaps decoding and analysis. A
 * bounded queue applies back-pressure; frames are copied in, so the caller keeps its own. Order is
 * kept (one consumer). An encoding failure surfaces on the next call from the caller.
 */
public final class BackgroundEncoder implements AutoCloseable {
  private record Item(Mat image, long pts, List<AudioChunk> audio) {}

  private static final Item END = new Item(null, 0, List.of());

  private final VideoWriter writer;
  private final BlockingQueue<Item> queue;
  private final Thread thread;
  private volatile RuntimeException failure;
  private volatile long encodeNanos;

  public BackgroundEncoder(VideoWriter writer, int capacity) {
    this.writer = writer;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.thread = new Thread(this::drain, "doppel-encoder");
    thread.setDaemon(true);
    thread.start();
  }

  /** Wall time the encoder thread has spent encoding, in milliseconds. */
  public double encodeMillis() {
    return encodeNanos / 1e6;
  }

  /** See {@link VideoWriter#sizeNote()}. */
  public String sizeNote() {
    return writer.sizeNote();
  }

  /** Queues a copy of {@code bgr}; blocks while the queue is full. */
  public void write(Mat bgr, long pts) {
    write(bgr, pts, List.of());
  }

  /** As {@link #write(Mat, long)}, with a stream input's audio that came before the frame. */
  public void write(Mat bgr, long pts, List<AudioChunk> audio) {
    checkFailure();
    put(new Item(bgr.clone(), pts, audio));
  }

  /** Queues a stream input's audio (its tail after the last frame). */
  public void writeAudio(List<AudioChunk> audio) {
    checkFailure();
    if (!audio.isEmpty()) put(new Item(null, 0, audio));
  }

  /** Waits for every queued frame, then finishes the writer (moves the file into place). */
  public void finish() {
    finish(complete -> {});
  }

  /** As {@link #finish()}, with {@link VideoWriter#finish(java.util.function.Consumer)}'s hook. */
  public void finish(java.util.function.Consumer<java.nio.file.Path> beforeMove) {
    put(END);
    join();
    checkFailure();
    writer.finish(beforeMove);
  }

  // END is a sentinel, compared by identity; only this thread adds to encodeNanos
  @SuppressWarnings({"ReferenceEquality", "NonAtomicVolatileUpdate"})
  private void drain() {
    try {
      for (Item item = queue.take(); item != END; item = queue.take()) {
        try (Mat image = item.image()) {
          long start = System.nanoTime();
          if (failure == null) {
            writer.writeAudio(item.audio());
            if (image != null) writer.write(image, item.pts());
          }
          encodeNanos += System.nanoTime() - start;
        } catch (RuntimeException e) {
          failure = e;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void put(Item item) {
    try {
      while (!queue.offer(item, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        checkFailure();
        if (!thread.isAlive()) throw DoppelException.processing("encoder thread stopped");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DoppelException.processing("interrupted while encoding");
    }
  }

  private void join() {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DoppelException.processing("interrupted while encoding");
    }
  }

  private void checkFailure() {
    if (failure != null) throw failure;
  }

  /** Stops the thread, frees queued frames and closes the writer (deleting an unfinished file). */
  @Override
  public void close() {
    thread.interrupt();
    join();
    for (Item item; (item = queue.poll()) != null; ) {
      if (item.image() != null) item.image().close();
    }
    writer.close();
  }
}
