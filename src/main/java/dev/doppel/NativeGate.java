package dev.doppel;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Keeps the process from exiting in the middle of an ONNX Runtime call. A SIGTERM during
 * {@code createSession} once crashed the JVM: the exit ran ORT's native destructors while another
 * thread was still inside the library. Native calls hold the gate shared; the shutdown hook
 * takes it exclusively (waiting for calls in flight, then letting no new one start) before the
 * process exits.
 */
public final class NativeGate {
  private static final ReentrantReadWriteLock LOCK = new ReentrantReadWriteLock();
  private static volatile boolean closed;

  private NativeGate() {}

  /** Runs a native call unless the process is exiting (then it waits for the exit). */
  public static <T> T call(Supplier<T> nativeCall) {
    LOCK.readLock().lock();
    try {
      return nativeCall.get();
    } finally {
      LOCK.readLock().unlock();
    }
  }

  /**
   * Called by the shutdown hook: waits up to {@code seconds} for native calls in flight and
   * keeps every later one waiting until the process is gone.
   */
  public static void closeForExit(long seconds) {
    if (closed) return;
    closed = true;
    try {
      LOCK.writeLock().tryLock(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
