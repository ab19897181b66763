package dev.doppel.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.doppel.DoppelException;
import dev.doppel.output.Json;
import dev.doppel.output.Provenance;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The batch's memory across crashes: a JSON Lines file next to the outputs, one line per event
 * (start, done, failed), each forced to disk before the run goes on. A job counts as finished on a
 * rerun only if its last "done" line is there and its output still has the recorded size and
 * SHA-256. A torn last line (the process died mid-write) is ignored.
 */
public final class Journal implements AutoCloseable {
  public static final String FILE_NAME = ".doppel-batch.jsonl";

  private record Done(String output, long size, String sha256) {}

  private final Path file;
  private final FileChannel channel;
  private final Map<String, Done> done = new HashMap<>();

  public Journal(Path folder) {
    this.file = folder.resolve(FILE_NAME);
    try {
      Files.createDirectories(folder);
      if (Files.exists(file)) {
        for (String line : Files.readAllLines(file)) {
          JsonNode e;
          try {
            e = Json.MAPPER.readTree(line);
          } catch (IOException torn) {
            continue;
          }
          if (e == null || !e.has("job")) continue;
          String event = e.path("event").asText();
          if (event.equals("done")) {
            done.put(
                e.get("job").asText(),
                new Done(
                    e.path("output").asText(), e.path("size").asLong(), e.path("sha256").asText()));
          } else if (event.equals("start")) {
            done.remove(e.get("job").asText());
          }
        }
      }
      this.channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw DoppelException.usage("cannot write journal: " + file + ": " + e.getMessage());
    }
  }

  public Path file() {
    return file;
  }

  /** Whether the job finished in an earlier run and its output is still what was written. */
  public boolean finished(BatchJob job) {
    Done d = done.get(job.id());
    Path out = job.output();
    if (d == null || !d.output().equals(out.toString()) || !Files.isRegularFile(out)) {
      return false;
    }
    try {
      return Files.size(out) == d.size() && Provenance.sha256(out).equals(d.sha256());
    } catch (IOException e) {
      return false;
    }
  }

  public void started(BatchJob job) {
    append(event("start", job));
  }

  public void finished(BatchJob job, long frames, long faces, double seconds) {
    ObjectNode e = event("done", job);
    Path out = job.output();
    try {
      e.put("size", Files.size(out));
    } catch (IOException ex) {
      e.put("size", -1);
    }
    e.put("sha256", Provenance.sha256(out));
    e.put("frames", frames);
    e.put("faces_swapped", faces);
    e.put("seconds", Math.round(seconds * 100) / 100.0);
    append(e);
  }

  public void failed(BatchJob job, String error) {
    append(event("failed", job).put("error", error));
  }

  private ObjectNode event(String kind, BatchJob job) {
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("event", kind);
    e.put("job", job.id());
    e.put("line", job.line());
    e.put("output", job.output().toString());
    e.put("time", Instant.now().toString());
    return e;
  }

  private synchronized void append(ObjectNode e) {
    try {
      byte[] line = (Json.MAPPER.writeValueAsString(e) + "\n").getBytes(StandardCharsets.UTF_8);
      channel.write(ByteBuffer.wrap(line));
      channel.force(false);
    } catch (IOException ex) {
      throw DoppelException.processing("cannot write journal: " + file + ": " + ex.getMessage());
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing buffered: every line was forced when written
    }
  }
}
