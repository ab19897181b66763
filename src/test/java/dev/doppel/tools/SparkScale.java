package dev.doppel.tools;

import dev.doppel.cli.Main;
import dev.doppel.testing.SparkCluster;
import dev.doppel.testing.TestMedia;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Dataset throughput on this machine: the same spec built with {@code -j 1}, {@code -j 2}, {@code
 * --spark local[2]} and on a standalone cluster of two one-core workers (separate JVMs), in clips
 * per minute, and Spark's overhead per clip against {@code -j 2}. Every build must give the same
 * checksums.json.
 *
 * <p>Run on an idle machine from the repository root (a plain JVM: the cluster's Spark home is made
 * of this JVM's class path): {@code mvn -q test-compile dependency:build-classpath
 * -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test && java
 * --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
 * --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
 * --add-opens=java.base/java.lang.invoke=ALL-UNNAMED -cp target/test-classes:target/classes:$(cat
 * target/cp.txt) dev.doppel.tools.SparkScale target/spark-scale 4 2} (work folder, clips per
 * identity, seconds per clip).
 */
public final class SparkScale {
  public static void main(String[] args) throws Exception {
    Path work = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/spark-scale"));
    int perIdentity = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    String levels = args.length > 3 ? args[3] : "c23";
    List<String> astronaut = new ArrayList<>();
    List<String> hopper = new ArrayList<>();
    for (int i = 0; i < perIdentity; i++) {
      for (String face : List.of("astronaut", "hopper")) {
        Path clip = work.resolve(face + i + ".mp4");
        if (!Files.exists(clip)) {
          TestMedia.run(
              "ffmpeg",
              "-v",
              "error",
              "-ss",
              String.valueOf(i % 3),
              "-i",
              TestMedia.sample(face + ".mp4").toString(),
              "-t",
              String.valueOf(seconds),
              "-c:v",
              "libx264",
              "-an",
              clip.toString());
        }
        (face.equals("astronaut") ? astronaut : hopper).add("\"" + clip.getFileName() + "\"");
      }
    }
    Path spec = work.resolve("spec.json");
    Files.writeString(
        spec,
        """
        {"name": "scale", "seed": 1,
         "identities": {"astronaut": [%s], "hopper": [%s]},
         "methods": [{"name": "DoppelPair96", "model": "%s", "faces": "largest"}],
         "compression": [%s],
         "splits": {"train": 1, "val": 0, "test": 0}}
        """
            .formatted(
                String.join(", ", astronaut),
                String.join(", ", hopper),
                Path.of("models/pair96").toAbsolutePath(),
                "\"" + levels.replace(",", "\", \"") + "\""));
    int clips = 2 * perIdentity;
    System.out.printf(
        Locale.ROOT,
        "%d clips of %d s (1280x720, pair96, %s): one fake and one real each%n",
        clips,
        seconds,
        levels);
    double j1 = timed(work, spec, "j1", List.of("-j", "1"), clips);
    double j2 = timed(work, spec, "j2", List.of("-j", "2"), clips);
    double local = timed(work, spec, "spark-local", List.of("--spark", "local[2]"), clips);
    Path clusterDir = Files.createDirectories(work.resolve("cluster"));
    double cluster;
    try (SparkCluster c = SparkCluster.start(clusterDir, 2)) {
      long t0 = System.nanoTime();
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(List.of("-Xmx1g", "-XX:+UseSerialGC"));
      cmd.addAll(c.driverOptions());
      cmd.addAll(
          List.of(
              "dev.doppel.cli.Main",
              "dataset",
              spec.toString(),
              "-o",
              work.resolve("cluster-out").toString(),
              "-q",
              "--spark",
              c.masterUrl()));
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(clusterDir.resolve("driver.log").toFile())
              .start();
      if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException("cluster build failed:\n" + c.logs());
      }
      cluster = (System.nanoTime() - t0) / 1e9;
      report("standalone, 2 workers", cluster, clips);
    }
    for (String other : List.of("j2", "spark-local", "cluster-out")) {
      boolean same =
          Files.readString(work.resolve("j1/checksums.json"))
              .equals(Files.readString(work.resolve(other).resolve("checksums.json")));
      System.out.println("checksums.json of " + other + (same ? " equal" : " DIFFER") + " to -j 1");
    }
    System.out.printf(
        Locale.ROOT,
        "Spark overhead per clip: local[2] %+.2f s against -j 2; standalone (2 x 1 core)"
            + " %+.2f s against -j 2, %+.2f s against -j 1 x 2 workers%n",
        (local - j2) / clips,
        (cluster - j2) / clips,
        (cluster - j1 / 2) / clips);
  }

  private static double timed(Path work, Path spec, String name, List<String> opts, int clips) {
    List<String> args =
        new ArrayList<>(
            List.of("dataset", spec.toString(), "-o", work.resolve(name).toString(), "-q"));
    args.addAll(opts);
    long t0 = System.nanoTime();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new PrintWriter(new StringWriter()), new PrintWriter(err), args.toArray(String[]::new));
    if (code != 0) throw new IllegalStateException(name + ": " + err);
    double s = (System.nanoTime() - t0) / 1e9;
    report(name, s, clips);
    return s;
  }

  private static void report(String name, double seconds, int clips) {
    System.out.printf(
        Locale.ROOT,
        "  %-22s %6.1f s  %5.2f clips/min  %5.2f s/clip%n",
        name,
        seconds,
        clips * 60 / seconds,
        seconds / clips);
  }
}
