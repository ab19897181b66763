package dev.doppel.spark;

import dev.doppel.DoppelException;
import dev.doppel.output.LocalStore;
import dev.doppel.output.OutputStore;
import java.net.URI;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * What the Spark runners share: the context (the master from {@code --spark MASTER}, or the one
 * spark-submit set) and where outputs go.
 */
public final class SparkJobs {
  private static final Pattern URI_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");

  private SparkJobs() {}

  /**
   * Whether Spark is on the class path (spark-submit and the tests put it there; bin/doppel not).
   */
  public static boolean available() {
    try {
      Class.forName("org.apache.spark.SparkConf", false, SparkJobs.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /**
   * @param master local[N], spark://host:port, yarn, k8s://...; empty: the one spark-submit gave
   */
  static JavaSparkContext open(String master, String appName) {
    SparkConf conf = new SparkConf().setAppName(appName);
    if (!master.isEmpty()) conf.setMaster(master);
    if (!conf.contains("spark.master")) {
      throw DoppelException.usage(
          "--spark: no master: give one (--spark local[2], --spark spark://HOST:7077) or run "
              + "through spark-submit --master");
    }
    // a clip is minutes of work: let a lost executor's clips go elsewhere, but never run a clip
    // twice at once by default (speculation stays as configured, off unless asked for)
    conf.setIfMissing("spark.task.maxFailures", "4");
    return new JavaSparkContext(conf);
  }

  /** A Hadoop filesystem URI (hdfs://, s3a://, file://) or a plain path on a shared filesystem. */
  public static OutputStore storeFor(String destination) {
    if (URI_SCHEME.matcher(destination).matches()) {
      return new HadoopStore(URI.create(destination));
    }
    return new LocalStore();
  }

  /** A location in the store's syntax: plain paths made absolute (workers have other cwds). */
  public static String location(String destination) {
    if (URI_SCHEME.matcher(destination).matches()) return destination;
    return java.nio.file.Path.of(destination).toAbsolutePath().normalize().toString();
  }

  /** One line for the user from a failed Spark job: the cause a task threw, not Spark's stack. */
  static RuntimeException explain(SparkException e) {
    String m = String.valueOf(e.getMessage());
    // "Job aborted due to stage failure: Task 3 in stage 0.0 failed 4 times, most recent
    // failure: Lost task ... : dev.doppel.DoppelException: cannot read video: ..."
    int at = m.indexOf("dev.doppel.DoppelException: ");
    if (at >= 0) {
      String cause = m.substring(at + "dev.doppel.DoppelException: ".length());
      int nl = cause.indexOf('\n');
      return DoppelException.processing(nl < 0 ? cause : cause.substring(0, nl));
    }
    int nl = m.indexOf('\n');
    return DoppelException.processing("Spark job failed: " + (nl < 0 ? m : m.substring(0, nl)));
  }
}
