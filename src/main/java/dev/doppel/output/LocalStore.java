package dev.doppel.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/** An {@link OutputStore} on a folder of this machine, or one that every worker mounts. */
public record LocalStore() implements OutputStore {
  private static final long serialVersionUID = 1L;

  @Override
  public String child(String folder, String name) {
    return Path.of(folder).resolve(name).toString();
  }

  @Override
  public String parent(String path) {
    Path p = Path.of(path).toAbsolutePath().normalize().getParent();
    return p == null ? "/" : p.toString();
  }

  @Override
  public String name(String path) {
    return String.valueOf(Path.of(path).getFileName());
  }

  @Override
  public boolean exists(String path) {
    return Files.exists(Path.of(path));
  }

  @Override
  public void deleteTree(String path) {
    TempFiles.deleteTree(Path.of(path));
  }

  @Override
  public void put(Path local, String target) throws IOException {
    Path dest = Path.of(target);
    Files.createDirectories(dest.getParent());
    Path temp =
        dest.resolveSibling("." + dest.getFileName() + "." + UUID.randomUUID() + TEMP_SUFFIX);
    try {
      Files.copy(local, temp);
      Files.move(temp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public List<String> removeTemps(String folder) throws IOException {
    List<String> removed = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(Path.of(folder))) {
      for (Path p : walk.filter(f -> f.getFileName().toString().endsWith(TEMP_SUFFIX)).toList()) {
        Files.deleteIfExists(p);
        removed.add(p.toString());
      }
    }
    return removed;
  }

  @Override
  public void rename(String from, String to) throws IOException {
    Files.move(Path.of(from), Path.of(to), StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void mkdirs(String folder) throws IOException {
    Files.createDirectories(Path.of(folder));
  }
}
