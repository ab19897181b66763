package dev.doppel.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process and keeps what it printed. */
record Cli(int exitCode, String out, String err) {
  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Cli(code, out.toString(), err.toString());
  }

  /** The error output, which must be exactly one line. */
  String errorLine() {
    String e = err.strip();
    if (e.isEmpty() || e.contains("\n")) {
      throw new AssertionError("expected one error line, got:\n" + err);
    }
    return e;
  }
}
