package dev.doppel.output;

import dev.doppel.DoppelException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * One run's exclusive claim on an output (a file, a dataset folder or a batch's output root): an OS
 * lock on a hidden {@code .NAME.lock} beside it. A second run on the same output fails at once
 * instead of racing the first; the lock dies with its process, so after a kill -9 the next run
 * takes it and removes the temporaries the killed run left.
 */
public final class OutputClaim implements AutoCloseable {
  private final Path lockFile;
  private final FileChannel channel;
  private final FileLock lock;

  private OutputClaim(Path lockFile, FileChannel channel, FileLock lock) {
    this.lockFile = lockFile;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Claims {@code output} and deletes its stale temporaries.
   *
   * @throws DoppelException usage error (exit 2) when another run holds it
   */
  public static OutputClaim take(Path output) {
    Path abs = output.toAbsolutePath().normalize();
    Path folder = abs.getParent();
    if (folder == null || !Files.isDirectory(folder)) {
      throw DoppelException.usage(
          "cannot write: " + output + ": the folder " + folder + " does not exist");
    }
    Path lockFile = folder.resolve(OutputPaths.tempPrefix(abs) + "lock");
    for (int attempt = 0; attempt < 3; attempt++) {
      OutputClaim[] claimed = new OutputClaim[1];
      try {
        // creating the lock file and registering it are one step for the exit hook: a SIGTERM
        // in between would leave the file behind, unregistered
        TempFiles.whileRunningIo(() -> claimed[0] = tryClaim(output, abs, lockFile));
      } catch (IOException e) {
        throw new DoppelException(
            OutputPaths.exitCodeFor(e),
            "cannot write: " + output + ": " + OutputPaths.whyNotWritable(folder, e));
      }
      if (claimed[0] != null) return claimed[0];
    }
    throw DoppelException.usage(
        "cannot write: "
            + output
            + ": its lock "
            + lockFile
            + " keeps changing; is another Doppel run starting on it?");
  }

  /** One attempt: the claim, or null when the lock file was replaced under us (try again). */
  private static OutputClaim tryClaim(Path output, Path abs, Path lockFile) throws IOException {
    FileChannel channel = null;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      Object opened = fileKey(lockFile);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // this JVM holds it already (two jobs of one batch on one output)
      }
      if (lock == null) {
        channel.close();
        throw DoppelException.usage(
            "cannot write: "
                + output
                + ": another Doppel run is "
                + "writing it (it holds "
                + lockFile
                + ")");
      }
      // the previous holder may have deleted the file between our open and our lock
      if (Files.exists(lockFile) && Objects.equals(opened, fileKey(lockFile))) {
        TempFiles.register(lockFile);
        OutputPaths.removeStaleTemporaries(abs);
        return new OutputClaim(lockFile, channel, lock);
      }
      lock.release();
      channel.close();
      return null;
    } catch (IOException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static Object fileKey(Path path) throws IOException {
    return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
  }

  private static void closeQuietly(FileChannel c) {
    try {
      if (c != null) c.close();
    } catch (IOException ignored) {
      // nothing to release
    }
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(lockFile);
      lock.release();
      channel.close();
    } catch (IOException ignored) {
      // the lock dies with the channel in any case
    } finally {
      TempFiles.forget(lockFile);
    }
  }
}
