package dev.doppel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Temporary files are created private (0600/0700); finished outputs get the usual 0644/0755 so
 * other users and tools can read them.
 */
public final class FilePermissions {
  private FilePermissions() {}

  public static void makeReadable(Path path) {
    try {
      String perms = Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--";
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(perms));
    } catch (UnsupportedOperationException | IOException ignored) {
      // not a POSIX file system: the default permissions stand
    }
  }
}
