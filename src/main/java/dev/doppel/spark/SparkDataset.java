package dev.doppel.spark;

import dev.doppel.dataset.DatasetBuilder;
import dev.doppel.dataset.DatasetSpec;
import dev.doppel.face.TrackerSettings;
import org.apache.spark.api.java.JavaSparkContext;

/** {@code doppel dataset --spark}: planned here, clips rendered on the cluster. */
public final class SparkDataset {
  private SparkDataset() {}

  /**
   * @param destination a folder every worker sees, or a Hadoop filesystem URI
   * @param master see {@link SparkJobs#open}
   */
  public static DatasetBuilder.Summary build(
      DatasetSpec spec, String destination, TrackerSettings tracker, String master) {
    try (JavaSparkContext spark = SparkJobs.open(master, "doppel dataset " + spec.name())) {
      return DatasetBuilder.build(
          spec,
          SparkJobs.location(destination),
          tracker,
          new SparkClipExecutor(spark),
          SparkJobs.storeFor(destination));
    }
  }
}
