package dev.doppel.models;

import dev.doppel.DoppelException;
import dev.doppel.output.Progress;
import dev.doppel.output.Provenance;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Downloads a catalogue entry: into {@code FILE.part} beside the destination, resuming a previous
 * partial download with an HTTP Range request, then checks size and SHA-256 and only then renames
 * it into place. A mismatch deletes the partial file: nothing is left at the destination. A cut or
 * stalled connection keeps the partial file for the next run.
 */
public final class Downloader {
  private final Duration timeout;

  /**
   * Bytes that must arrive in every {@code timeout} window: a server that trickles a byte at a time
   * (each read within the read timeout) is a stall too.
   */
  static final long MIN_BYTES_PER_WINDOW = 16 * 1024;

  /**
   * @param timeout for connecting, and the window in which at least {@link #MIN_BYTES_PER_WINDOW}
   *     bytes must arrive (headers included): a stalled or trickling server fails after this
   */
  public Downloader(Duration timeout) {
    this.timeout = timeout;
  }

  /** What happened: downloaded (bytes this run, whether it resumed) or already present. */
  public record Result(Path file, long bytesThisRun, boolean resumed, boolean alreadyPresent) {}

  public Result pull(Catalog.Entry entry, Path folder, Progress progress) {
    Path dest = folder.resolve(entry.file());
    Path part = folder.resolve(entry.file() + ".part");
    if (Files.exists(dest)) {
      if (Provenance.sha256(dest).equals(entry.sha256())) return new Result(dest, 0, false, true);
      throw DoppelException.processing(
          "models pull "
              + entry.name()
              + ": "
              + dest
              + " exists but its SHA-256 does not match the catalogue; delete it to pull again");
    }
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw DoppelException.usage(
          "models pull " + entry.name() + ": cannot create " + folder + ": " + e.getMessage());
    }
    long have = partSize(part, entry.size());
    HttpURLConnection http = open(entry, have);
    Watchdog watchdog = new Watchdog(http);
    try {
      int status = http.getResponseCode();
      boolean resumed =
          have > 0 && status == HttpURLConnection.HTTP_PARTIAL && rangeStart(http) == have;
      if (status == 416 || (have > 0 && !resumed && status == HttpURLConnection.HTTP_OK)) {
        have = 0; // the server cannot resume: start over
      } else if (status != HttpURLConnection.HTTP_OK && !resumed) {
        throw httpError(entry, http, status);
      }
      if (status == 416) {
        http.disconnect();
        http = open(entry, 0);
        watchdog.watch(http);
        status = http.getResponseCode();
        if (status != HttpURLConnection.HTTP_OK) {
          throw httpError(entry, http, status);
        }
      }
      long total = entry.size() > 0 ? entry.size() : -1;
      progress.startBytes("pull " + entry.name(), total);
      progress.stepBy(have);
      MessageDigest digest = sha256Digest();
      if (have > 0) hashInto(part, digest);
      long got = copy(http, part, have, digest, progress, entry, watchdog);
      progress.close();
      long size = Files.size(part);
      if (entry.size() > 0 && size < entry.size()) {
        throw DoppelException.processing(
            "models pull "
                + entry.name()
                + ": "
                + entry.url()
                + ": the connection ended after "
                + size
                + " of "
                + entry.size()
                + " bytes; run again to resume");
      }
      String sha = HexFormat.of().formatHex(digest.digest());
      if ((entry.size() > 0 && size != entry.size()) || !sha.equals(entry.sha256())) {
        Files.deleteIfExists(part);
        throw DoppelException.processing(
            "models pull "
                + entry.name()
                + ": the download does "
                + "not match the catalogue ("
                + size
                + " bytes, SHA-256 "
                + sha
                + "; expected "
                + entry.size()
                + " bytes, "
                + entry.sha256()
                + "); nothing was kept");
      }
      Files.move(part, dest, StandardCopyOption.ATOMIC_MOVE);
      return new Result(dest, got, resumed, false);
    } catch (SocketTimeoutException e) {
      throw DoppelException.processing(
          "models pull "
              + entry.name()
              + ": "
              + entry.url()
              + ": timed out (no data for "
              + timeout.toSeconds()
              + " s); run again to resume");
    } catch (IOException e) {
      if (watchdog.stalled()) {
        throw DoppelException.processing(
            "models pull "
                + entry.name()
                + ": "
                + entry.url()
                + ": timed out (less than "
                + MIN_BYTES_PER_WINDOW / 1024
                + " KiB in "
                + timeout.toSeconds()
                + " s); run again to resume");
      }
      throw DoppelException.processing(
          "models pull "
              + entry.name()
              + ": "
              + entry.url()
              + ": "
              + e.getMessage()
              + "; run again to resume");
    } finally {
      watchdog.stop();
      http.disconnect();
    }
  }

  /**
   * Stops a download that makes too little progress. While the connection is set up and the headers
   * arrive, a timer checks every second and disconnects; once the body flows, the copy loop checks
   * after every read ({@code received}), since disconnecting from another thread while a read holds
   * the stream can deadlock in the JDK's HTTP client.
   */
  private final class Watchdog {
    private final java.util.concurrent.ScheduledExecutorService timer =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "doppel-download-watchdog");
              t.setDaemon(true);
              return t;
            });
    private volatile HttpURLConnection http;
    private volatile boolean stalled;
    private final java.util.concurrent.atomic.AtomicLong bytes =
        new java.util.concurrent.atomic.AtomicLong();
    private long windowStart = System.nanoTime();
    private long bytesAtWindowStart;
    private volatile boolean inBody;

    Watchdog(HttpURLConnection http) {
      this.http = http;
      // the timer's shutdown in close() ends the ticks; check() reports through the connection
      var unused =
          timer.scheduleAtFixedRate(this::check, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    void watch(HttpURLConnection next) {
      http = next;
    }

    boolean stalled() {
      return stalled;
    }

    /** Called by the copy loop after each read: the body is watched from here on. */
    void received(long n) throws IOException {
      inBody = true;
      bytes.addAndGet(n);
      if (tooSlow()) {
        stalled = true;
        throw new IOException("stalled");
      }
    }

    private synchronized boolean tooSlow() {
      long now = System.nanoTime();
      if (now - windowStart < timeout.toNanos()) return false;
      long b = bytes.get();
      if (b - bytesAtWindowStart < MIN_BYTES_PER_WINDOW) return true;
      windowStart = now;
      bytesAtWindowStart = b;
      return false;
    }

    private void check() {
      if (inBody) return;
      if (tooSlow()) {
        stalled = true;
        http.disconnect();
        timer.shutdown();
      }
    }

    void stop() {
      timer.shutdownNow();
    }
  }

  private HttpURLConnection open(Catalog.Entry entry, long from) {
    try {
      if (!(URI.create(entry.url()).toURL().openConnection() instanceof HttpURLConnection http)) {
        throw DoppelException.usage(
            "models pull "
                + entry.name()
                + ": "
                + entry.url()
                + ": only http and https downloads are supported");
      }
      http.setConnectTimeout((int) timeout.toMillis());
      http.setReadTimeout((int) timeout.toMillis());
      http.setInstanceFollowRedirects(true);
      http.setRequestProperty("User-Agent", "Doppel/" + dev.doppel.Version.get());
      // no keep-alive: a connection given up on is closed, not drained by the JDK's cleaner
      http.setRequestProperty("Connection", "close");
      if (from > 0) http.setRequestProperty("Range", "bytes=" + from + "-");
      return http;
    } catch (IOException | IllegalArgumentException e) {
      throw DoppelException.usage(
          "models pull " + entry.name() + ": bad URL " + entry.url() + ": " + e.getMessage());
    }
  }

  private static long copy(
      HttpURLConnection http,
      Path part,
      long have,
      MessageDigest digest,
      Progress progress,
      Catalog.Entry entry,
      Watchdog watchdog)
      throws IOException {
    long got = 0;
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = http.getInputStream();
        OutputStream out =
            Files.newOutputStream(
                part,
                StandardOpenOption.CREATE,
                have > 0 ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
        digest.update(buffer, 0, n);
        got += n;
        watchdog.received(n);
        progress.stepBy(n);
        if (entry.size() > 0 && have + got > entry.size()) {
          break; // more than the catalogue says: stop, the check below refuses it
        }
      }
    }
    return got;
  }

  /** Bytes of a previous partial download worth resuming (0 if none or too large). */
  private static long partSize(Path part, long expected) {
    try {
      if (!Files.exists(part)) return 0;
      long size = Files.size(part);
      if (expected > 0 && size >= expected) {
        Files.delete(part);
        return 0;
      }
      return size;
    } catch (IOException e) {
      return 0;
    }
  }

  /** The first byte of a 206 response's Content-Range ("bytes 100-999/1000"), or -1. */
  private static long rangeStart(HttpURLConnection http) {
    String range = http.getHeaderField("Content-Range");
    if (range == null || !range.startsWith("bytes ")) return -1;
    try {
      return Long.parseLong(range.substring(6, range.indexOf('-')).trim());
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static void hashInto(Path file, MessageDigest digest) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
  }

  private static DoppelException httpError(Catalog.Entry entry, HttpURLConnection http, int status)
      throws IOException {
    return DoppelException.processing(
        "models pull "
            + entry.name()
            + ": "
            + entry.url()
            + ": HTTP "
            + status
            + " "
            + http.getResponseMessage());
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
