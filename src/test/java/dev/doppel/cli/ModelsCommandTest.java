package dev.doppel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.doppel.output.Provenance;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `doppel models`: pull against a local HTTP server on loopback (success, resume after a cut, hash
 * mismatch, 404, a stalled server), and list / verify / info on the shipped models.
 */
class ModelsCommandTest {
  static final int SIZE = 300_000;
  static final int CUT_AT = 120_000;
  @TempDir Path dir;
  HttpServer server;
  byte[] blob;
  final List<String> ranges = new CopyOnWriteArrayList<>();
  final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void startServer() throws IOException {
    blob = new byte[SIZE];
    new Random(7).nextBytes(blob);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/model.onnx", this::serve);
    server.createContext(
        "/cut.onnx",
        ex -> {
          // the first response ends after CUT_AT bytes; later ones are served properly
          if (requests.getAndIncrement() == 0) {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(blob, 0, CUT_AT);
            } catch (IOException ignored) {
              // the client sees a premature end of the body
            }
            ex.close();
          } else {
            serve(ex);
          }
        });
    server.createContext(
        "/slow.onnx",
        ex -> {
          ex.sendResponseHeaders(200, SIZE);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(blob, 0, 1000);
            out.flush();
            Thread.sleep(4000);
          } catch (IOException | InterruptedException ignored) {
            // the client has given up
          }
        });
    server.createContext(
        "/trickle.onnx",
        ex -> {
          // a byte every 100 ms: each read is quick, the download would take 8 hours
          ex.sendResponseHeaders(200, SIZE);
          try (OutputStream out = ex.getResponseBody()) {
            for (int i = 0; i < SIZE; i++) {
              out.write(blob[i]);
              out.flush();
              Thread.sleep(100);
            }
          } catch (IOException | InterruptedException ignored) {
            // the client has given up
          }
        });
    server.createContext(
        "/endless.onnx",
        ex -> {
          ex.sendResponseHeaders(200, 0); // chunked, no length: it never ends
          try (OutputStream out = ex.getResponseBody()) {
            for (long sent = 0; sent < 1L << 30; sent += blob.length) out.write(blob);
          } catch (IOException ignored) {
            // the client has stopped reading
          }
        });
    server.start();
  }

  /** Serves the blob, honouring "Range: bytes=N-". */
  private void serve(HttpExchange ex) throws IOException {
    String range = ex.getRequestHeaders().getFirst("Range");
    ranges.add(String.valueOf(range));
    int from = range == null ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
    if (from > 0) {
      ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (SIZE - 1) + "/" + SIZE);
      ex.sendResponseHeaders(206, SIZE - from);
    } else {
      ex.sendResponseHeaders(200, SIZE);
    }
    try (OutputStream out = ex.getResponseBody()) {
      out.write(blob, from, SIZE - from);
    }
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private Path catalog(String path, String sha, boolean commercial) throws IOException {
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + path;
    Path file = dir.resolve("catalog.json");
    Files.writeString(
        file,
        """
        {"models": [{"name": "test", "file": "test.onnx", "role": "test", "url": "%s",
          "sha256": "%s", "size": %d, "licence": "Test licence", "commercial_use": %s}]}
        """
            .formatted(url, sha, SIZE, commercial));
    return file;
  }

  private String sha() throws IOException {
    Path tmp = dir.resolve("blob.bin");
    Files.write(tmp, blob);
    String sha = Provenance.sha256(tmp);
    Files.delete(tmp);
    return sha;
  }

  private Cli pull(Path catalog, Path models, String... extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "models",
                "pull",
                "test",
                "--catalog",
                catalog.toString(),
                "--dir",
                models.toString(),
                "-q"));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void pullDownloadsVerifiesAndShowsTheLicence() throws Exception {
    Path models = dir.resolve("models");
    Cli r = pull(catalog("/model.onnx", sha(), true), models);
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("licence: Test licence"), r.out());
    assertArrayEquals(blob, Files.readAllBytes(models.resolve("test.onnx")));
    assertEquals(List.of("test.onnx"), names(models));
    Cli again = pull(catalog("/model.onnx", sha(), true), models);
    assertEquals(0, again.exitCode());
    assertTrue(again.out().contains("already present"), again.out());
  }

  @Test
  void nonCommercialLicenceMustBeAccepted() throws Exception {
    Path models = dir.resolve("models");
    Path catalog = catalog("/model.onnx", sha(), false);
    Cli refused = pull(catalog, models);
    assertEquals(2, refused.exitCode());
    assertTrue(refused.errorLine().contains("--accept-licence"), refused.err());
    assertTrue(refused.errorLine().contains("Test licence"), refused.err());
    assertEquals(0, requests.get() + ranges.size(), "nothing was requested");
    assertEquals(0, pull(catalog, models, "--accept-licence").exitCode());
  }

  @Test
  void aCutDownloadResumesWithARangeRequest() throws Exception {
    Path models = dir.resolve("models");
    Path catalog = catalog("/cut.onnx", sha(), true);
    Cli cut = pull(catalog, models);
    assertEquals(1, cut.exitCode(), cut.err());
    assertTrue(cut.errorLine().contains("run again to resume"), cut.err());
    assertEquals(List.of("test.onnx.part"), names(models), "nothing at the destination yet");
    assertEquals(CUT_AT, Files.size(models.resolve("test.onnx.part")));
    Cli resumed = pull(catalog, models);
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertEquals(List.of("bytes=" + CUT_AT + "-"), ranges);
    assertTrue(resumed.out().contains("resumed, " + (SIZE - CUT_AT) + " bytes"), resumed.out());
    assertArrayEquals(blob, Files.readAllBytes(models.resolve("test.onnx")));
    assertEquals(List.of("test.onnx"), names(models));
  }

  @Test
  void aHashMismatchLeavesNothing() throws Exception {
    Path models = dir.resolve("models");
    Cli r = pull(catalog("/model.onnx", "0".repeat(64), true), models);
    assertEquals(1, r.exitCode());
    assertTrue(r.errorLine().contains("does not match the catalogue"), r.err());
    assertEquals(List.of(), names(models));
  }

  @Test
  void notFoundIsAOneLineError() throws Exception {
    Path models = dir.resolve("models");
    Cli r = pull(catalog("/missing.onnx", sha(), true), models);
    assertEquals(1, r.exitCode());
    assertTrue(r.errorLine().contains("HTTP 404"), r.err());
    assertEquals(List.of(), names(models));
  }

  @Test
  void aStalledServerTimesOut() throws Exception {
    Path models = dir.resolve("models");
    // the server holds the connection for 4 s and then closes it: "timed out" (not "the
    // connection ended after 1000 bytes") shows the client gave up on its own
    Cli r = pull(catalog("/slow.onnx", sha(), true), models, "--timeout", "1");
    assertEquals(1, r.exitCode());
    assertTrue(r.errorLine().contains("timed out"), r.err());
    assertTrue(Files.notExists(models.resolve("test.onnx")));
  }

  // issue 12, item 8: limits a hostile server cannot get round

  @Test
  void aTricklingServerTimesOutOnOverallProgress() throws Exception {
    Path models = dir.resolve("models");
    Cli r = pull(catalog("/trickle.onnx", sha(), true), models, "--timeout", "1");
    assertEquals(1, r.exitCode(), r.err());
    assertTrue(r.errorLine().contains("timed out (less than 16 KiB in 1 s)"), r.err());
    assertTrue(Files.notExists(models.resolve("test.onnx")));
  }

  @Test
  void anEndlessServerIsCutAtTheDeclaredSize() throws Exception {
    Path models = dir.resolve("models");
    Cli r = pull(catalog("/endless.onnx", "0".repeat(64), true), models);
    assertEquals(1, r.exitCode(), r.err());
    assertTrue(r.errorLine().contains("does not match the catalogue"), r.err());
    assertEquals(List.of(), names(models), "nothing kept");
  }

  @Test
  void catalogueEntriesWithoutSizeOrWithOtherSchemesAreRefused() throws Exception {
    Path models = dir.resolve("models");
    Path catalog = catalog("/model.onnx", sha(), true);
    String good = Files.readString(catalog);
    Files.writeString(catalog, good.replaceAll("\"size\": \\d+, ", ""));
    Cli noSize = pull(catalog, models);
    assertEquals(2, noSize.exitCode(), noSize.err());
    assertTrue(noSize.errorLine().contains("needs a 'size'"), noSize.err());
    Files.writeString(
        catalog, good.replaceAll("\"url\": \"[^\"]*\"", "\"url\": \"file:///etc/passwd\""));
    Cli file = pull(catalog, models);
    assertEquals(2, file.exitCode(), file.err());
    assertTrue(file.errorLine().contains("only http and https"), file.err());
    assertTrue(Files.notExists(models));
  }

  // issue 12, item 7: a catalogue's file name cannot leave the models folder

  @Test
  void catalogueFileNamesArePlainNames() throws Exception {
    Path models = dir.resolve("models");
    Path catalog = catalog("/model.onnx", sha(), true);
    String good = Files.readString(catalog);
    String escaped = "escaped-" + System.nanoTime() + ".onnx"; // unique: it would land in /tmp
    for (String bad :
        List.of("../../" + escaped, dir.resolve("abs.onnx").toString(), ".hidden.onnx")) {
      Files.writeString(
          catalog, good.replace("\"file\": \"test.onnx\"", "\"file\": \"" + bad + "\""));
      Cli r = pull(catalog, models);
      assertEquals(2, r.exitCode(), r.err());
      assertTrue(r.errorLine().contains("must be a plain file name"), r.err());
    }
    assertTrue(Files.notExists(dir.getParent().resolve(escaped)));
    assertTrue(Files.notExists(dir.resolve("abs.onnx")));
    assertTrue(Files.notExists(models));
  }

  @Test
  void listVerifyAndInfoOnTheShippedModels() throws Exception {
    Cli list = Cli.run("models", "list", "--dir", "models");
    assertEquals(0, list.exitCode(), list.err());
    assertTrue(list.out().contains("inswapper_128"), list.out());
    assertTrue(list.out().contains("NON-COMMERCIAL"), list.out());
    Cli verify = Cli.run("models", "verify", "--dir", "models");
    assertEquals(0, verify.exitCode(), verify.err());
    assertTrue(verify.out().contains("face_landmark.tflite"), verify.out());

    // a corrupted copy of the models folder fails verification
    Path copy = dir.resolve("copy");
    Files.createDirectories(copy);
    for (String f : List.of("manifest.json", "catalog.json", "face_landmark.tflite")) {
      Files.copy(Path.of("models", f), copy.resolve(f));
    }
    byte[] bytes = Files.readAllBytes(copy.resolve("face_landmark.tflite"));
    bytes[1000] ^= 1;
    Files.write(copy.resolve("face_landmark.tflite"), bytes);
    Cli bad = Cli.run("models", "verify", "--dir", copy.toString());
    assertEquals(1, bad.exitCode());
    assertTrue(bad.errorLine().contains("face_landmark.tflite: SHA-256"), bad.err());
    assertTrue(bad.errorLine().contains("missing"), "other shipped files are missing");

    Cli info = Cli.run("models", "info", "models/standin-inswapper_128.onnx");
    assertEquals(0, info.exitCode(), info.err());
    assertTrue(info.out().contains("kind: oneshot"), info.out());
    assertTrue(info.out().contains("input: source float[1, 512]"), info.out());
    assertTrue(info.out().contains("emap: last initializer 'emap' [512, 512]"), info.out());
    Cli pair = Cli.run("models", "info", "models/pair96-astronaut2hopper.onnx");
    assertTrue(pair.out().contains("metadata: doppel.kind = pair"), pair.out());
  }

  private static List<String> names(Path folder) throws IOException {
    if (!Files.exists(folder)) return List.of();
    try (var s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
