package dev.doppel.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The CLI in a JVM of its own, as a user starts it: for tests that kill it or set its env. */
final class ChildDoppel {
  private ChildDoppel() {}

  /**
   * @param folder its working folder
   * @param log where its stdout and stderr go
   * @param env variables added to this JVM's environment
   */
  static Process start(Path folder, Path log, Map<String, String> env, List<String> args)
      throws Exception {
    return start(folder, log, env, List.of(), args);
  }

  /**
   * @param jvmOptions before the main class (system properties, --add-opens; "-cp", PATH replaces
   *     the test class path)
   */
  static Process start(
      Path folder, Path log, Map<String, String> env, List<String> jvmOptions, List<String> args)
      throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-XX:+UseSerialGC"));
    if (!jvmOptions.contains("-cp"))
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
    cmd.addAll(jvmOptions);
    cmd.add("dev.doppel.cli.Main");
    cmd.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(folder.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }
}
