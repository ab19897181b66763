package dev.doppel.output;

import dev.doppel.DoppelException;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Every temporary file and folder Doppel creates beside an output, so that a SIGTERM or Ctrl-C
 * leaves nothing behind: a shutdown hook deletes what is still registered. Creating a temporary (or
 * reopening one from native code) goes through {@link #create} or {@link #whileRunning}, which
 * refuse once the hook has started, so nothing can appear after it cleaned up.
 */
public final class TempFiles {
  private static final Set<Path> LIVE = new LinkedHashSet<>();
  private static boolean exiting;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(TempFiles::onExit, "doppel-cleanup"));
  }

  private TempFiles() {}

  /**
   * Installs the exit hook now (class initialisation does it): the CLI calls this first, so that
   * the native gate closes on exit even before any temporary exists.
   */
  public static void installExitHook() {
    // the static initialiser above has run by the time this is called
  }

  /** Something that creates a temporary path. */
  @FunctionalInterface
  public interface Creator {
    Path create() throws IOException;
  }

  /** Creates a temporary path and registers it; it is deleted if the process is stopped. */
  public static synchronized Path create(Creator creator) throws IOException {
    refuseIfExiting();
    Path p = creator.create().toAbsolutePath();
    LIVE.add(p);
    return p;
  }

  /** Registers a path created otherwise (a lock file). */
  public static synchronized void register(Path p) {
    refuseIfExiting();
    LIVE.add(p.toAbsolutePath());
  }

  /** Runs an action that may (re)create a registered file, unless the process is exiting. */
  public static synchronized void whileRunning(Runnable action) {
    refuseIfExiting();
    action.run();
  }

  /** A file operation that may fail. */
  @FunctionalInterface
  public interface IoAction {
    void run() throws IOException;
  }

  /** As {@link #whileRunning(Runnable)} for a file operation (a rewrite, a move into place). */
  public static synchronized void whileRunningIo(IoAction action) throws IOException {
    refuseIfExiting();
    action.run();
  }

  /** The path was renamed into place or deleted by its owner: no longer temporary. */
  public static synchronized void forget(Path p) {
    LIVE.remove(p.toAbsolutePath());
  }

  private static void refuseIfExiting() {
    if (exiting) throw DoppelException.processing("stopped: Doppel is exiting");
  }

  private static void onExit() {
    deleteAllNow();
  }

  /** Deletes every registered temporary and refuses new ones: the process is stopping. */
  public static void deleteAllNow() {
    List<Path> paths;
    synchronized (TempFiles.class) {
      exiting = true;
      paths = List.copyOf(LIVE);
      LIVE.clear();
    }
    // folders last, newest first: a temp file may live inside a temp folder
    for (int i = paths.size() - 1; i >= 0; i--) deleteTree(paths.get(i));
  }

  /** Deletes a file or a folder tree; retried because writers may still add files to it. */
  public static void deleteTree(Path root) {
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        if (!Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.deleteIfExists(root);
          return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
        return;
      } catch (DirectoryNotEmptyException | NoSuchFileException e) {
        // a writer added or removed a file meanwhile: walk again
      } catch (IOException e) {
        return; // best effort: nothing more can be done on the way out
      }
    }
  }
}
