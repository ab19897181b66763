package dev.doppel.spark;

import dev.doppel.dataset.ClipExecutor;
import dev.doppel.dataset.ClipTask;
import dev.doppel.dataset.RenderedClip;
import dev.doppel.output.OutputStore;
import dev.doppel.swap.SwapperPool;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * Renders a dataset's clips on Spark executors: one clip per partition (so a lost executor costs
 * only its clips, which Spark reruns elsewhere), each executor JVM keeping its loaded models in
 * {@link SwapperPool#shared()} from clip to clip.
 */
final class SparkClipExecutor implements ClipExecutor {
  private final JavaSparkContext spark;

  SparkClipExecutor(JavaSparkContext spark) {
    this.spark = spark;
  }

  @Override
  public List<RenderedClip> render(List<ClipTask> tasks, OutputStore store, String building) {
    if (tasks.isEmpty()) return List.of();
    spark.setJobDescription("render " + tasks.size() + " clips");
    try {
      return spark
          .parallelize(tasks, tasks.size())
          .mapPartitions(new RenderPartition(store, building))
          .collect();
    } catch (Exception e) {
      if (e instanceof SparkException s) throw SparkJobs.explain(s);
      throw e;
    }
  }

  /** Runs on the executor: render and store each clip of the partition. */
  private record RenderPartition(OutputStore store, String building)
      implements FlatMapFunction<Iterator<ClipTask>, RenderedClip> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<RenderedClip> call(Iterator<ClipTask> tasks) throws Exception {
      List<RenderedClip> out = new ArrayList<>();
      while (tasks.hasNext()) {
        out.add(tasks.next().renderAndStore(store, building, SwapperPool.shared()));
      }
      return out.iterator();
    }
  }
}
