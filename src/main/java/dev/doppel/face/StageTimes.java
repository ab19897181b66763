package dev.doppel.face;

import java.util.LinkedHashMap;
import java.util.Map;

/** Accumulated wall time per named stage, for the benchmark and progress reports. */
public final class StageTimes {
  private final Map<String, long[]> totals = new LinkedHashMap<>();

  public synchronized void add(String stage, long nanos) {
    long[] t = totals.computeIfAbsent(stage, k -> new long[2]);
    t[0] += nanos;
    t[1]++;
  }

  /** Runs {@code work}, adding its wall time to {@code stage}; returns its result. */
  public <T> T time(String stage, java.util.concurrent.Callable<T> work) throws Exception {
    long t0 = System.nanoTime();
    try {
      return work.call();
    } finally {
      add(stage, System.nanoTime() - t0);
    }
  }

  /** Total milliseconds spent in a stage. */
  public synchronized double millis(String stage) {
    long[] t = totals.get(stage);
    return t == null ? 0 : t[0] / 1e6;
  }

  /** Number of calls of a stage. */
  public synchronized long calls(String stage) {
    long[] t = totals.get(stage);
    return t == null ? 0 : t[1];
  }
}
