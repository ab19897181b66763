package dev.doppel.output;

import dev.doppel.DoppelException;
import dev.doppel.FilePermissions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A file written beside its destination under a hidden temporary name and moved into place by
 * {@link #commit()}; closing without commit deletes it.
 */
public final class AtomicFile implements AutoCloseable {
  private final Path destination;
  private final Path temp;
  private final OutputStream out;
  private boolean committed;

  public AtomicFile(Path destination) {
    this.destination = destination.toAbsolutePath();
    Path folder = this.destination.getParent();
    if (!Files.isDirectory(folder)) {
      throw DoppelException.usage(
          "cannot write: " + destination + ": the folder " + folder + " does not exist");
    }
    Path created = null;
    try {
      created = OutputPaths.createTemp(this.destination, ".part");
      out = Files.newOutputStream(created);
      temp = created;
    } catch (IOException e) {
      if (created != null) TempFiles.deleteTree(created);
      throw new DoppelException(
          OutputPaths.exitCodeFor(e),
          "cannot write: " + destination + ": " + OutputPaths.whyNotWritable(folder, e));
    }
  }

  public OutputStream stream() {
    return out;
  }

  /** Where the content is until {@link #commit()} (to hash it before it is in place). */
  public Path temp() {
    return temp;
  }

  public Path destination() {
    return destination;
  }

  public void commit() {
    try {
      out.close();
      FilePermissions.makeReadable(temp);
      Files.move(
          temp, destination, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      committed = true;
      TempFiles.forget(temp);
    } catch (IOException e) {
      throw DoppelException.processing(
          "cannot write: " + destination + ": " + OutputPaths.describe(e));
    }
  }

  @Override
  public void close() {
    if (committed) return;
    try {
      out.close();
      Files.deleteIfExists(temp);
      TempFiles.forget(temp);
    } catch (IOException ignored) {
      // best effort cleanup of the hidden temporary file
    }
  }
}
