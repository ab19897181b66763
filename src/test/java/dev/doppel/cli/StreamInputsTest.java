package dev.doppel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.doppel.output.Json;
import dev.doppel.testing.TestMedia;
import dev.doppel.video.MediaSource;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that are not files: a URL served by a loopback HTTP server in this test, and the naming of
 * URLs, standard input and devices. The clip, made with the ffmpeg CLI, beeps 1.000 s after its
 * first frame, so the test can tell that audio read along with the video stays in sync. (Standard
 * input, standard output and Ctrl-C on a live input need a process of their own: {@link
 * PipesTest}.)
 */
class StreamInputsTest {
  static final double BEEP = 1.0;

  @TempDir static Path dir;
  static Path clip;

  @BeforeAll
  static void makeClip() throws Exception {
    assumeTrue(TestMedia.hasFfmpegTools(), "ffmpeg CLI not installed (.ci/run installs it)");
    clip = beepingClip(dir.resolve("beep.ts"), "mpegts");
  }

  /** 3 s of test pattern at 25 fps with a 1 kHz beep from 1.0 s to 1.2 s, H.264 and AAC. */
  static Path beepingClip(Path out, String format) throws Exception {
    TestMedia.Result r =
        TestMedia.run(
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=160x120:r=25:d=3",
            "-f",
            "lavfi",
            "-i",
            "aevalsrc='if(between(t,"
                + BEEP
                + ","
                + (BEEP + 0.2)
                + "),0.5*sin(2*PI*1000*t),0)'"
                + ":s=48000:d=3",
            "-c:v",
            "libx264",
            "-c:a",
            "aac",
            "-f",
            format,
            out.toString());
    assertEquals(0, r.exitCode(), r.out());
    return out;
  }

  @Test
  void aUrlIsReadOnceWithItsAudioInSync() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] body = Files.readAllBytes(clip);
    server.createContext(
        "/",
        exchange -> {
          if (exchange.getRequestURI().getPath().equals("/clip.ts")) {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          } else {
            exchange.sendResponseHeaders(404, -1);
          }
          exchange.close();
        });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      Path out = dir.resolve("from-url.mp4");
      Cli swap =
          Cli.run(
              "swap",
              base + "/clip.ts",
              "-o",
              out.toString(),
              "--faces",
              "none",
              "--model",
              "models/pair96",
              "-q");
      assertEquals(0, swap.exitCode(), swap.err());
      assertEquals(75, frameCount(out));
      assertEquals(BEEP, beepAfterFirstFrame(out), 0.002, "the audio came along in sync");
      JsonNode input =
          Json.MAPPER.readTree(dir.resolve("from-url.mp4.doppel.json").toFile()).path("input");
      assertEquals(base + "/clip.ts", input.path("path").asText());
      assertTrue(input.path("sha256").isNull());
      assertTrue(input.path("stream").asBoolean());

      Cli missing =
          Cli.run(
              "swap",
              base + "/gone.mp4",
              "-o",
              dir.resolve("gone.mp4").toString(),
              "--model",
              "models/pair96",
              "-q");
      assertEquals(1, missing.exitCode());
      assertEquals(
          "doppel: cannot read video: "
              + base
              + "/gone.mp4: cannot open it (Server returned 404"
              + " Not Found)",
          missing.errorLine());
      assertFalse(Files.exists(dir.resolve("gone.mp4")));
    } finally {
      server.stop(0);
    }
  }

  @Test
  void argumentsNameTheirKindOfSource() {
    assertEquals(MediaSource.Kind.STDIN, MediaSource.parse("-").kind());
    assertEquals("pipe:0", MediaSource.parse("-").location());
    assertEquals(MediaSource.Kind.URL, MediaSource.parse("https://example.org/a.mp4").kind());
    assertEquals(MediaSource.Kind.DEVICE, MediaSource.parse("/dev/video0").kind());
    assertEquals("v4l2", MediaSource.parse("/dev/video0").format());
    assertEquals(MediaSource.Kind.FILE, MediaSource.parse("clips/a:b.mp4").kind());
    assertTrue(MediaSource.parse("rtsp://cam/stream").live());
    assertTrue(MediaSource.parse("-").live());
    assertFalse(MediaSource.parse("https://example.org/a.mp4").live());
    assertEquals(
        "rtsp://admin:***@10.0.0.2/stream",
        MediaSource.parse("rtsp://admin:secret@10.0.0.2/stream").toString(),
        "a password never reaches a message or a sidecar");
  }

  static long frameCount(Path video) throws Exception {
    return Json.MAPPER
        .readTree(
            TestMedia.ffprobe(
                video,
                "-select_streams",
                "v",
                "-count_frames",
                "-show_entries",
                "stream=nb_read_frames",
                "-of",
                "json"))
        .path("streams")
        .path(0)
        .path("nb_read_frames")
        .asLong();
  }

  /** Seconds from the first video frame to the beep's onset, as a player presents them. */
  static double beepAfterFirstFrame(Path video) throws Exception {
    double firstFrame =
        Json.MAPPER
            .readTree(
                TestMedia.ffprobe(
                    video,
                    "-select_streams",
                    "v:0",
                    "-read_intervals",
                    "%+#1",
                    "-show_entries",
                    "frame=best_effort_timestamp_time",
                    "-of",
                    "json"))
            .path("frames")
            .path(0)
            .path("best_effort_timestamp_time")
            .asDouble();
    double audioStart =
        Json.MAPPER
            .readTree(
                TestMedia.ffprobe(
                    video,
                    "-select_streams",
                    "a:0",
                    "-show_entries",
                    "stream=start_time",
                    "-of",
                    "json"))
            .path("streams")
            .path(0)
            .path("start_time")
            .asDouble();
    Path raw = video.resolveSibling(video.getFileName() + ".s16");
    TestMedia.Result r =
        TestMedia.run(
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-i",
            video.toString(),
            "-map",
            "0:a",
            "-ac",
            "1",
            "-ar",
            "48000",
            "-f",
            "s16le",
            raw.toString());
    assertEquals(0, r.exitCode(), r.out());
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; b.remaining() >= 2; i++) {
      if (Math.abs(b.getShort()) > 4000) return audioStart + i / 48000.0 - firstFrame;
    }
    throw new AssertionError("no beep in " + video);
  }
}
