package dev.doppel.spark;

import dev.doppel.batch.BatchJob;
import dev.doppel.batch.BatchRunner;
import dev.doppel.batch.BatchTask;
import dev.doppel.batch.Journal;
import dev.doppel.batch.RowParser;
import dev.doppel.output.Progress;
import dev.doppel.swap.SwapperPool;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * {@code doppel batch --spark}: the manifest is checked and planned here as without Spark, jobs
 * that the journal shows finished are skipped here, the others run on the executors (one job per
 * partition; each executor parses its row's values again into the same task, keeping pair models
 * loaded from job to job) and their outcomes are journalled here. A job that fails fails alone, as
 * without Spark; an executor that dies has its jobs rerun by Spark. Outputs go where the rows say:
 * a folder every worker sees.
 */
public final class SparkBatch {
  private SparkBatch() {}

  /** One row's values and where its output goes: what an executor needs to run it. */
  private record Row(int index, Map<String, List<String>> values, String output)
      implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  private record Ran(int index, BatchRunner.Ran ran) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * @param onFinish called once per job, in job order, as the outcomes come back
   */
  public static List<BatchRunner.Outcome> run(
      List<BatchJob> jobs,
      RowParser parser,
      Journal journal,
      String master,
      Consumer<BatchRunner.Outcome> onFinish) {
    BatchRunner.Outcome[] outcomes = new BatchRunner.Outcome[jobs.size()];
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < jobs.size(); i++) {
      BatchJob job = jobs.get(i);
      if (journal.finished(job)) {
        outcomes[i] =
            new BatchRunner.Outcome(job, BatchRunner.Status.SKIPPED, 0, 0, 0, null, List.of());
        onFinish.accept(outcomes[i]);
        continue;
      }
      journal.started(job);
      rows.add(new Row(i, new LinkedHashMap<>(job.values()), job.output().toString()));
    }
    if (!rows.isEmpty()) {
      Map<Integer, BatchRunner.Ran> ran = new HashMap<>();
      try (JavaSparkContext spark = SparkJobs.open(master, "doppel batch")) {
        spark.setJobDescription("run " + rows.size() + " batch jobs");
        spark
            .parallelize(rows, rows.size())
            .mapPartitions(new RunPartition(parser))
            .collect()
            .forEach(r -> ran.put(r.index(), r.ran()));
      } catch (Exception e) {
        if (e instanceof SparkException s) throw SparkJobs.explain(s);
        throw e;
      }
      for (Row r : rows) {
        BatchRunner.Ran done =
            ran.getOrDefault(r.index(), BatchRunner.Ran.failed("no result came back from Spark"));
        outcomes[r.index()] = BatchRunner.record(jobs.get(r.index()), done, journal);
        onFinish.accept(outcomes[r.index()]);
      }
    }
    return List.of(outcomes);
  }

  /** Runs on an executor: each row parsed into its task again and run. */
  private record RunPartition(RowParser parser) implements FlatMapFunction<Iterator<Row>, Ran> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<Ran> call(Iterator<Row> rows) {
      // the executor's models stay loaded from job to job, as a dataset's do
      SwapperPool.activate(SwapperPool.shared());
      List<Ran> out = new ArrayList<>();
      while (rows.hasNext()) {
        Row row = rows.next();
        List<String> problems = new ArrayList<>();
        BatchTask task = parser.parse(row.values(), problems);
        BatchRunner.Ran r =
            task == null
                ? BatchRunner.Ran.failed(String.join("; ", problems))
                : BatchRunner.execute(task, Path.of(row.output()), Progress.NONE);
        out.add(new Ran(row.index(), r));
      }
      return out.iterator();
    }
  }
}
