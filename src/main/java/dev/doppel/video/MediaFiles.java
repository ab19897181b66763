package dev.doppel.video;

import dev.doppel.DoppelException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which files are media by name, and the many inputs of one argument: a folder (its media files,
 * not its subfolders) or a glob pattern ({@code photos/*.jpg}, {@code clips/**}{@code /*.mp4}),
 * sorted by path, each with the name its result takes in an output folder.
 */
public final class MediaFiles {
  /** Video extensions taken from a folder (FFmpeg reads many more, given by name). */
  public static final Set<String> VIDEO_EXTENSIONS =
      Set.of(
          "mp4", "mov", "m4v", "mkv", "webm", "avi", "mpg", "mpeg", "ts", "mts", "m2ts", "flv",
          "wmv", "3gp", "ogv", "gif");

  /** Containers Doppel writes; a result of any other video keeps its name with {@code .mp4}. */
  private static final Set<String> WRITTEN = Set.of("mp4", "m4v", "mov", "mkv", "webm", "avi");

  private MediaFiles() {}

  public static boolean isVideo(Path file) {
    return VIDEO_EXTENSIONS.contains(Stills.extension(file));
  }

  public static boolean isMedia(Path file) {
    return isVideo(file) || Stills.isStill(file);
  }

  /** Whether {@code arg} names many inputs: an existing folder, or a pattern with * ? [ or {. */
  public static boolean isMany(Path arg) {
    return Files.isDirectory(arg) || (!Files.exists(arg) && isPattern(arg.toString()));
  }

  private static boolean isPattern(String s) {
    return s.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
  }

  /**
   * The media files of a folder or a pattern, sorted; hidden files are skipped.
   *
   * @throws DoppelException usage error when none match (naming the argument)
   */
  public static List<Path> expand(Path arg) {
    Path base;
    PathMatcher matcher;
    int depth;
    if (Files.isDirectory(arg)) {
      base = arg;
      matcher = p -> true;
      depth = 1;
    } else {
      // the folder part before the first wildcard is walked; the pattern matches the rest
      base = fixedPart(arg);
      String rest = base.relativize(arg).toString();
      matcher = FileSystems.getDefault().getPathMatcher("glob:" + rest);
      depth = rest.contains("**") ? Integer.MAX_VALUE : base.relativize(arg).getNameCount();
      if (!Files.isDirectory(base)) {
        throw DoppelException.usage(
            "cannot read: " + arg + ": the folder " + base + " does not exist");
      }
    }
    Path root = base;
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root, depth)) {
      files =
          walk.filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .filter(MediaFiles::isMedia)
              .filter(p -> matcher.matches(root.relativize(p)))
              .sorted()
              .toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      throw DoppelException.usage("cannot read: " + arg + ": " + e.getMessage());
    }
    if (files.isEmpty()) {
      throw DoppelException.usage(
          "cannot read: "
              + arg
              + ": no "
              + (Files.isDirectory(arg) ? "image or video files in this folder" : "file matches"));
    }
    return files;
  }

  /**
   * The folders of a pattern before its first wildcard (the empty path when it starts with one).
   */
  private static Path fixedPart(Path pattern) {
    Path fixed = pattern.isAbsolute() ? pattern.getRoot() : Path.of("");
    for (Path part : pattern) {
      if (isPattern(part.toString())) break;
      fixed = fixed.resolve(part);
    }
    return fixed;
  }

  /**
   * Where the result of {@code input} (one of {@link #expand}'s files for {@code arg}) goes in
   * {@code folder}: the same path below the folder or the pattern's fixed part, with the same
   * extension if Doppel writes it (stills, mp4, mkv ...), else {@code .mp4}.
   */
  public static Path outputFor(Path arg, Path input, Path folder) {
    Path base = Files.isDirectory(arg) ? arg : fixedPart(arg);
    Path relative =
        base.toAbsolutePath().normalize().relativize(input.toAbsolutePath().normalize());
    String name = relative.getFileName().toString();
    String ext = Stills.extension(relative);
    if (!Stills.isStill(relative) && !WRITTEN.contains(ext)) {
      int dot = name.lastIndexOf('.');
      name = (dot > 0 ? name.substring(0, dot) : name) + ".mp4";
    }
    Path parent = relative.getParent();
    return parent == null ? folder.resolve(name) : folder.resolve(parent).resolve(name);
  }
}
