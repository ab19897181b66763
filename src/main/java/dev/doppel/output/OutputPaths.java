package dev.doppel.output;

import dev.doppel.DoppelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where outputs and their temporaries may go: an output is never an input or another output of the
 * same run (compared by real path), never a device, FIFO or folder; temporary names stay within the
 * file system's 255-byte limit however long the output's name; and the words for a full disk are
 * "the disk is full".
 */
public final class OutputPaths {
  /** Bytes of the output's name kept in its temporaries' names (255 is the usual limit). */
  private static final int NAME_BYTES_IN_TEMP = 160;

  private OutputPaths() {}

  /** One file a command reads or writes, with the option that names it (for messages). */
  public record Named(String option, Path path) {}

  /**
   * Refuses outputs that would overwrite an input or each other, or that are special files.
   *
   * @throws DoppelException usage error (exit 2), one line naming both paths
   */
  public static void check(List<Named> inputs, List<Named> outputs) {
    List<Named> seen = new ArrayList<>();
    for (Named out : outputs) {
      Path p = out.path();
      if (Files.exists(p)) {
        if (Files.isDirectory(p)) {
          throw DoppelException.usage("cannot write: " + p + ": is a directory");
        }
        if (!Files.isRegularFile(p)) {
          throw DoppelException.usage(
              "cannot write: " + p + ": is a device or special file, " + "not a regular file");
        }
      }
      for (Named in : inputs) {
        if (same(in.path(), p)) {
          throw DoppelException.usage(
              "cannot write: "
                  + p
                  + ": "
                  + out.option()
                  + " is the "
                  + in.option()
                  + " file "
                  + in.path()
                  + "; choose another output");
        }
      }
      for (Named other : seen) {
        if (same(other.path(), p)) {
          throw DoppelException.usage(
              "cannot write: "
                  + p
                  + ": "
                  + out.option()
                  + " and "
                  + other.option()
                  + " name the same file");
        }
      }
      seen.add(out);
    }
  }

  /** Whether two paths are the same file (by real path, so links and ../ count). */
  static boolean same(Path a, Path b) {
    try {
      if (Files.exists(a) && Files.exists(b)) return Files.isSameFile(a, b);
    } catch (IOException e) {
      // fall back to comparing the paths
    }
    return realish(a).equals(realish(b));
  }

  /** The real path of the nearest existing ancestor, with the rest appended. */
  public static Path realish(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    Path existing = abs;
    Path rest = abs.getFileSystem().getPath("");
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      rest = existing.getFileName().resolve(rest);
      existing = existing.getParent();
    }
    try {
      return existing == null ? abs : existing.toRealPath().resolve(rest).normalize();
    } catch (IOException e) {
      return abs;
    }
  }

  /**
   * The prefix of every temporary of {@code output}: {@code .NAME.}, with NAME cut so that a legal
   * 255-byte output name still gives a legal temporary name.
   */
  public static String tempPrefix(Path output) {
    String name = output.getFileName().toString();
    byte[] utf8 = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (utf8.length > NAME_BYTES_IN_TEMP) {
      int end = name.length();
      while (name.substring(0, end).getBytes(java.nio.charset.StandardCharsets.UTF_8).length
          > NAME_BYTES_IN_TEMP) {
        end--;
      }
      name = name.substring(0, end);
    }
    return "." + name + ".";
  }

  /** Creates (and registers for cleanup) a temporary file beside {@code output}. */
  public static Path createTemp(Path output, String suffix) throws IOException {
    Path folder = output.toAbsolutePath().getParent();
    return TempFiles.create(() -> Files.createTempFile(folder, tempPrefix(output), suffix));
  }

  /** Deletes the temporaries ({@code .NAME.*.part*}) a killed run left beside {@code output}. */
  public static void removeStaleTemporaries(Path output) {
    Path folder = output.toAbsolutePath().getParent();
    String prefix = tempPrefix(output);
    if (folder == null || !Files.isDirectory(folder)) return;
    try (Stream<Path> files = Files.list(folder)) {
      for (Path p :
          files
              .filter(
                  p ->
                      p.getFileName().toString().startsWith(prefix)
                          && p.getFileName().toString().contains(".part"))
              .toList()) {
        TempFiles.deleteTree(p);
      }
    } catch (IOException ignored) {
      // a leftover temporary file is untidy, not wrong: outputs are still only renamed
    }
  }

  /** Whether an I/O failure is the disk (or its inode table) being full. */
  public static boolean diskFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).contains("No space left on device")) return true;
    }
    return false;
  }

  /** What a failed write says: "the disk is full ..." when it is, else the system's words. */
  public static String describe(IOException e) {
    return diskFull(e) ? DISK_FULL : e.getMessage();
  }

  public static final String DISK_FULL = "the disk is full (no space left on device)";

  /** A full disk is a processing error (1); a folder one may not write to, a usage error (2). */
  public static int exitCodeFor(IOException e) {
    return diskFull(e) ? DoppelException.PROCESSING : DoppelException.USAGE;
  }

  /** Why a file in {@code folder} could not be created, in the user's words. */
  public static String whyNotWritable(Path folder, IOException e) {
    return diskFull(e) ? DISK_FULL : "the folder " + folder + " is not writable";
  }
}
