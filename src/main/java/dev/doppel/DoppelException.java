package dev.doppel;

/**
 * A failure Doppel reports to the user as one line: "what failed: which file: why".
 *
 * <p>The exit code tells scripts what kind of failure it was: {@link #PROCESSING} when an input
 * could not be processed (corrupt, truncated, no video stream), {@link #USAGE} when the command
 * line names something that cannot be used (missing file, unwritable folder, bad option).
 */
public class DoppelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public static final int PROCESSING = 1;
  public static final int USAGE = 2;

  private final int exitCode;

  public DoppelException(int exitCode, String message) {
    this(exitCode, message, null);
  }

  public DoppelException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public static DoppelException processing(String message) {
    return new DoppelException(PROCESSING, message);
  }

  public static DoppelException processing(String message, Throwable cause) {
    return new DoppelException(PROCESSING, message, cause);
  }

  public static DoppelException usage(String message) {
    return new DoppelException(USAGE, message);
  }

  public int exitCode() {
    return exitCode;
  }
}
