package dev.doppel.spark;

import dev.doppel.output.OutputStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * An {@link OutputStore} on a Hadoop filesystem (hdfs://, s3a://, file://, whatever the cluster's
 * Hadoop configuration knows), through Hadoop's FileSystem API.
 */
record HadoopStore(URI root) implements OutputStore {
  private static final long serialVersionUID = 1L;

  private FileSystem fs() throws IOException {
    FileSystem fs = FileSystem.get(root, new Configuration());
    // file://: no .crc files beside the outputs (a dataset's checksums.json is its own)
    fs.setWriteChecksum(false);
    return fs;
  }

  private static org.apache.hadoop.fs.Path path(String p) {
    return new org.apache.hadoop.fs.Path(p);
  }

  @Override
  public String child(String folder, String name) {
    return new org.apache.hadoop.fs.Path(path(folder), name).toString();
  }

  @Override
  public String parent(String p) {
    return path(p).getParent().toString();
  }

  @Override
  public String name(String p) {
    return path(p).getName();
  }

  @Override
  public boolean exists(String p) throws IOException {
    return fs().exists(path(p));
  }

  @Override
  public void deleteTree(String p) throws IOException {
    fs().delete(path(p), true);
  }

  @Override
  public void put(Path local, String target) throws IOException {
    FileSystem fs = fs();
    org.apache.hadoop.fs.Path dest = path(target);
    org.apache.hadoop.fs.Path temp =
        new org.apache.hadoop.fs.Path(
            dest.getParent(), "." + dest.getName() + "." + UUID.randomUUID() + TEMP_SUFFIX);
    try {
      try (InputStream in = Files.newInputStream(local);
          OutputStream out = fs.create(temp, true)) {
        in.transferTo(out);
      }
      // a second attempt at the same clip wrote the same bytes: HDFS refuses to rename onto an
      // existing file, so the one already there stays
      if (!fs.rename(temp, dest) && !fs.exists(dest)) {
        throw new IOException("cannot rename " + temp + " to " + dest);
      }
    } finally {
      fs.delete(temp, false);
    }
  }

  @Override
  public List<String> removeTemps(String folder) throws IOException {
    FileSystem fs = fs();
    List<String> removed = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(path(folder), true);
    List<org.apache.hadoop.fs.Path> temps = new ArrayList<>();
    while (it.hasNext()) {
      org.apache.hadoop.fs.Path p = it.next().getPath();
      if (p.getName().endsWith(TEMP_SUFFIX)) temps.add(p);
    }
    for (org.apache.hadoop.fs.Path p : temps) {
      fs.delete(p, false);
      removed.add(p.toString());
    }
    return removed;
  }

  @Override
  public void rename(String from, String to) throws IOException {
    FileSystem fs = fs();
    if (fs.exists(path(to)) || !fs.rename(path(from), path(to))) {
      throw new IOException("cannot rename " + from + " to " + to);
    }
  }

  @Override
  public void mkdirs(String folder) throws IOException {
    fs().mkdirs(path(folder));
  }
}
