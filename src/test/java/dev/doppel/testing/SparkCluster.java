package dev.doppel.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A standalone Spark cluster of separate JVMs on this machine: a master and N one-core workers,
 * started with {@code java} from a Spark home assembled from the Maven artifacts (its {@code jars/}
 * links every jar of the test class path; no Spark distribution can be downloaded here). Doppel's
 * own classes go to the executors as the application jar, as with spark-submit.
 */
public final class SparkCluster implements AutoCloseable {
  /** What Spark 4 needs opened on Java 17 (spark-submit adds the same for its driver). */
  public static final List<String> JAVA_OPENS =
      List.of(
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");

  private final Path dir;
  private final Path home;
  private final Path appJar;
  private final int masterPort;
  private final int uiPort;
  private final Process master;
  private final List<Process> workers = new ArrayList<>();

  private SparkCluster(Path dir, int workerCount) throws Exception {
    this.dir = dir.toAbsolutePath(); // the processes run in it: no relative class path
    this.home = this.dir.resolve("spark-home");
    Path jars = Files.createDirectories(home.resolve("jars"));
    Files.createDirectories(home.resolve("conf"));
    for (String entry :
        System.getProperty("java.class.path").split(java.io.File.pathSeparator, -1)) {
      Path p = Path.of(entry);
      String name = p.getFileName().toString();
      // slf4j-nop would silence Spark's own log (log4j), which these tests read on failure
      if (name.endsWith(".jar") && !name.startsWith("slf4j-nop") && Files.isRegularFile(p)) {
        Path link = jars.resolve(name);
        if (!Files.exists(link)) Files.createSymbolicLink(link, p.toAbsolutePath());
      }
    }
    this.appJar = this.dir.resolve("doppel-app.jar");
    jarOf(Path.of("target/classes"), appJar);
    this.masterPort = freePort();
    this.uiPort = freePort();
    this.master =
        start(
            "master",
            List.of(
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                String.valueOf(masterPort),
                "--webui-port",
                String.valueOf(uiPort)));
    for (int i = 0; i < workerCount; i++) {
      workers.add(startWorker(i));
    }
    awaitWorkers(workerCount, Duration.ofSeconds(90));
  }

  /** Starts a master and {@code workers} one-core workers under {@code dir}. */
  public static SparkCluster start(Path dir, int workers) throws Exception {
    SparkCluster c = null;
    try {
      c = new SparkCluster(dir, workers);
      return c;
    } finally {
      if (c == null) killAll(dir);
    }
  }

  public String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** Doppel's classes as a jar, for {@code spark.jars}. */
  public Path appJar() {
    return appJar;
  }

  public Process worker(int i) {
    return workers.get(i);
  }

  /** The JVM options and system properties a driver of this cluster needs. */
  public List<String> driverOptions() {
    List<String> o = new ArrayList<>();
    // the test class path without slf4j-nop: the driver logs through Spark's log4j, as under
    // spark-submit, so that a test can read what the scheduler saw
    o.add("-cp");
    o.add(
        Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator, -1))
            .filter(e -> !Path.of(e).getFileName().toString().startsWith("slf4j-nop"))
            .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator)));
    o.addAll(JAVA_OPENS);
    o.add("-Dspark.jars=" + appJar.toUri());
    o.add("-Dspark.executor.memory=1g");
    o.add("-Dspark.driver.host=127.0.0.1");
    return o;
  }

  /** Every log of the cluster (master, workers, executors), for a failure message. */
  public String logs() throws IOException {
    StringBuilder b = new StringBuilder();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p :
          walk.filter(
                  f ->
                      f.getFileName().toString().endsWith(".log")
                          || f.getFileName().toString().equals("stderr"))
              .sorted()
              .toList()) {
        String text = Files.readString(p);
        b.append("==== ").append(dir.relativize(p)).append('\n');
        b.append(text, Math.max(0, text.length() - 6000), text.length());
      }
    }
    return b.toString();
  }

  private Process startWorker(int i) throws IOException {
    Path work = Files.createDirectories(dir.resolve("worker-" + i));
    return start(
        "worker-" + i,
        List.of(
            "org.apache.spark.deploy.worker.Worker",
            "--host",
            "127.0.0.1",
            "--cores",
            "1",
            "--memory",
            "2g",
            "--webui-port",
            String.valueOf(freePort()),
            "--work-dir",
            work.toString(),
            masterUrl()));
  }

  private Process start(String name, List<String> mainAndArgs) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx512m", "-cp", home.resolve("jars") + "/*"));
    cmd.addAll(JAVA_OPENS);
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("SPARK_PID_DIR", dir.toString());
    Process p = pb.start();
    Files.writeString(dir.resolve(name + ".pid"), String.valueOf(p.pid()));
    return p;
  }

  /** Polls the master's JSON status until {@code n} workers are alive. */
  private void awaitWorkers(int n, Duration timeout) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Pattern alive = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      try {
        String json =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uiPort + "/json/"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = alive.matcher(json);
        if (m.find() && Integer.parseInt(m.group(1)) >= n) return;
      } catch (IOException e) {
        // the master's UI is not up yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "Spark cluster: " + n + " workers not alive after " + timeout + "\n" + logs());
  }

  @Override
  public void close() {
    for (Process w : workers) w.descendants().forEach(ProcessHandle::destroyForcibly);
    workers.forEach(Process::destroyForcibly);
    master.destroyForcibly();
    for (Process p : workers) waitFor(p);
    waitFor(master);
  }

  private static void waitFor(Process p) {
    try {
      p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Kills processes a failed start left behind, by their pid files. */
  private static void killAll(Path dir) throws IOException {
    try (Stream<Path> pids = Files.list(dir)) {
      for (Path f : pids.filter(p -> p.toString().endsWith(".pid")).toList()) {
        ProcessHandle.of(Long.parseLong(Files.readString(f).strip()))
            .ifPresent(
                h -> {
                  h.descendants().forEach(ProcessHandle::destroyForcibly);
                  h.destroyForcibly();
                });
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void jarOf(Path classes, Path jar) throws IOException {
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out, mf);
        Stream<Path> walk = Files.walk(classes)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        j.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, j);
        j.closeEntry();
      }
    }
  }
}
