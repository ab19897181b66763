package dev.doppel;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps the process from exiting in the middle of an ONNX Runtime call. A SIGTERM during {@code
 * createSession} crashed the JVM: ONNX Runtime's own shutdown hook released its native environment
 * while another thread was still inside the library. Native calls hold the gate shared; on a
 * signal, {@code cli.StopSignals} takes it exclusively (waiting for calls in flight, then letting
 * no new one start) and closes the loaded models before the JVM's exit hooks run.
 */
public final class NativeGate {
  private static final ReentrantReadWriteLock LOCK = new ReentrantReadWriteLock();
  private static final java.util.Set<AutoCloseable> LIVE =
      java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

  private NativeGate() {}

  /** A native call; it may throw its library's checked exception. */
  @FunctionalInterface
  public interface Call<T, E extends Exception> {
    T run() throws E;
  }

  /** Runs a native call unless the process is exiting (then it waits for the exit). */
  public static <T, E extends Exception> T call(Call<T, E> nativeCall) throws E {
    LOCK.readLock().lock();
    try {
      return nativeCall.run();
    } finally {
      LOCK.readLock().unlock();
    }
  }

  /** A loaded model (ONNX Runtime session) to close before the process exits on a signal. */
  public static void register(AutoCloseable model) {
    synchronized (LIVE) {
      LIVE.add(model);
    }
  }

  public static void unregister(AutoCloseable model) {
    synchronized (LIVE) {
      LIVE.remove(model);
    }
  }

  /**
   * Closes every loaded model: called on a signal after {@link #closeForExit}, so that ONNX
   * Runtime's own exit hook releases its environment with no session left.
   */
  public static void closeLiveModels() {
    java.util.List<AutoCloseable> models;
    synchronized (LIVE) {
      models = java.util.List.copyOf(LIVE);
      LIVE.clear();
    }
    for (AutoCloseable m : models) {
      try {
        m.close();
      } catch (Exception ignored) {
        // exiting: nothing more to do for this one
      }
    }
  }

  /**
   * Called on a signal and by the shutdown hook: waits up to {@code seconds} for native calls in
   * flight and keeps every later one waiting until the process is gone.
   */
  public static void closeForExit(long seconds) {
    if (LOCK.isWriteLockedByCurrentThread()) return;
    try {
      LOCK.writeLock().tryLock(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
