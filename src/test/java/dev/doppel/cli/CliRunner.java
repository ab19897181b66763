package dev.doppel.cli;

/** Runs the CLI in-process for tests in other packages. */
public final class CliRunner {
  private CliRunner() {}

  public record Result(int exitCode, String out, String err) {}

  public static Result run(String... args) {
    Cli c = Cli.run(args);
    return new Result(c.exitCode(), c.out(), c.err());
  }
}
