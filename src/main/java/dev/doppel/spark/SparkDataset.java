package dev.doppel.spark;

import dev.doppel.dataset.DatasetBuilder;
import dev.doppel.dataset.DatasetSpec;
import dev.doppel.face.TrackerSettings;
import dev.doppel.output.LocalStore;
import dev.doppel.output.OutputClaim;
import dev.doppel.output.OutputStore;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;

/** {@code doppel dataset --spark}: planned here, clips rendered on the cluster. */
public final class SparkDataset {
  private SparkDataset() {}

  /**
   * @param destination a folder every worker sees, or a Hadoop filesystem URI
   * @param master see {@link SparkJobs#open}
   */
  @SuppressWarnings("try") // an OutputClaim is held for the block, never called
  public static DatasetBuilder.Summary build(
      DatasetSpec spec, String destination, TrackerSettings tracker, String master) {
    OutputStore store = SparkJobs.storeFor(destination);
    String location = SparkJobs.location(destination);
    // a folder on this machine's filesystem: one build at a time, as without Spark (a Hadoop
    // filesystem has no such lock; two builds to one URI must be kept apart by the user)
    try (OutputClaim claim =
            store instanceof LocalStore ? OutputClaim.take(Path.of(location)) : null;
        JavaSparkContext spark = SparkJobs.open(master, "doppel dataset " + spec.name())) {
      return DatasetBuilder.build(spec, location, tracker, new SparkClipExecutor(spark), store);
    }
  }
}
