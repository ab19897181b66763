package dev.doppel.cli;

import dev.doppel.DoppelException;
import dev.doppel.Version;
import dev.doppel.provenance.c2pa.ContentCredentials;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Doppel's command line. {@link #run} is the testable entry point; only {@link #main} exits.
 *
 * <p>Exit codes: 0 success, 1 processing error (an input could not be processed), 2 usage error
 * (bad option, missing file, unwritable folder).
 */
@Command(
    name = "doppel",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "Face analysis and face swapping for video.",
    subcommands = {
      FacesCommand.class,
      ExtractCommand.class,
      SwapCommand.class,
      BatchCommand.class,
      DatasetCommand.class,
      BenchCommand.class,
      ModelsCommand.class,
      TrainCommand.class,
      InspectCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:processing error (an input could not be processed)",
      "2:usage error (bad option, missing file, unwritable folder)"
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    dev.doppel.output.TempFiles.installExitHook();
    StopSignals.install();
    // the platform's charset, as System.out and System.err use it
    Charset charset = Charset.defaultCharset();
    System.exit(
        run(
            new PrintWriter(new OutputStreamWriter(System.out, charset), true),
            new PrintWriter(new OutputStreamWriter(System.err, charset), true),
            args));
  }

  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setCaseInsensitiveEnumValuesAllowed(true); // --colour lab, --detector full, ...
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          boolean verbose =
              parseResult.subcommand() != null && parseResult.subcommand().hasMatchedOption("-v");
          if (e instanceof DoppelException de) {
            err.println("doppel: " + de.getMessage());
            if (verbose && de.getCause() != null) de.getCause().printStackTrace(err);
            return de.exitCode();
          }
          err.println("doppel: internal error: " + e);
          if (verbose) e.printStackTrace(err);
          return DoppelException.PROCESSING;
        });
    cli.setParameterExceptionHandler(
        (e, a) -> {
          err.println("doppel: " + e.getMessage());
          err.println("Try 'doppel " + commandPath(e.getCommandLine()) + " --help'.");
          return DoppelException.USAGE;
        });
    // --sign-key/--sign-cert hold for one command: a run in the same JVM (tests, an embedding
    // program) starts again from $DOPPEL_SIGN_KEY or the development certificate
    ContentCredentials.signWith(null);
    int code;
    try {
      code = cli.execute(args);
    } finally {
      ContentCredentials.signWith(null);
    }
    out.flush();
    err.flush();
    return code;
  }

  private static String commandPath(CommandLine c) {
    String name = c.getCommandSpec().qualifiedName(" ");
    return name.startsWith("doppel ") ? name.substring(7) : "";
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "Doppel " + Version.get(),
        "Java "
            + System.getProperty("java.version")
            + ", FFmpeg 8.0.1, OpenCV 4.13.0 (JavaCV 1.5.13)"
      };
    }
  }
}
