package dev.doppel;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C while a live input is being read: the first signal asks the reader to end the stream
 * there, so the output written so far is finished, labelled and kept (a live source has no end of
 * its own); a second signal stops the process as for any other job. Only a job reading a live input
 * arms it.
 */
public final class GracefulStop {
  private static final AtomicBoolean ARMED = new AtomicBoolean();
  private static final AtomicBoolean REQUESTED = new AtomicBoolean();

  private GracefulStop() {}

  /** A live job starts: the next stop signal ends its input instead of the process. */
  public static void arm() {
    REQUESTED.set(false);
    ARMED.set(true);
  }

  /** The live job has finished reading. */
  public static void disarm() {
    ARMED.set(false);
  }

  /**
   * Called by the signal handler: true when the signal was taken as "end the live input now" (the
   * first while armed); false when the process should stop.
   */
  public static boolean takeSignal() {
    return ARMED.get() && REQUESTED.compareAndSet(false, true);
  }

  public static boolean requested() {
    return REQUESTED.get();
  }
}
