package dev.doppel.cli;

import dev.doppel.DoppelException;
import dev.doppel.spark.SparkJobs;
import picocli.CommandLine.Option;

/** {@code --spark [MASTER]}, shared by {@code dataset} and {@code batch}. */
final class SparkOption {
  @Option(
      names = "--spark",
      arity = "0..1",
      fallbackValue = "",
      paramLabel = "MASTER",
      description =
          "Run on Apache Spark: local[N], spark://HOST:PORT, or (no value) the master "
              + "spark-submit gives. Inputs, models and clips must be at the same paths on every "
              + "worker (a shared filesystem). Needs Spark on the class path: run through "
              + "spark-submit (README: On a Spark cluster).")
  String master;

  /** Whether the user asked for Spark; then Spark must be on the class path. */
  boolean requested() {
    if (master == null) return false;
    if (!SparkJobs.available()) {
      throw DoppelException.usage(
          "--spark: Spark is not on the class path: run Doppel through spark-submit "
              + "(README: On a Spark cluster)");
    }
    return true;
  }
}
