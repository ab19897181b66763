package dev.doppel.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.output.Json;
import dev.doppel.testing.TestMedia;
import dev.doppel.video.VideoReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Tracking on the shipped sample clips, whose content is known from samples/clips.json. */
@Tag("slow") // whole clips through models or the CLI; the fast set leaves it out
class FaceTrackingTest {
  private static final Map<String, List<List<Face>>> CACHE = new ConcurrentHashMap<>();

  static List<List<Face>> track(String clip, boolean smoothing) {
    return CACHE.computeIfAbsent(
        clip + smoothing,
        k -> {
          TrackerSettings s =
              new TrackerSettings(BlazeFaceDetector.Range.FULL, 10, 0.5, 0.5, 8, smoothing);
          List<List<Face>> frames = new ArrayList<>();
          try (VideoReader r = VideoReader.open(TestMedia.sample(clip));
              FaceTracker t = new FaceTracker(s)) {
            r.forEachFrame(f -> frames.add(t.next(f.image(), f.micros() / 1e6)));
          }
          return frames;
        });
  }

  static JsonNode clips() throws Exception {
    return Json.MAPPER.readTree(TestMedia.sample("clips.json").toFile());
  }

  @Test
  void everyFaceIsFoundOnEveryFrameWithOneStableTrackPerPerson() throws Exception {
    for (JsonNode clip : clips()) {
      String name = clip.get("file").asText();
      int people = clip.get("faces").asInt();
      List<List<Face>> frames = track(name, true);
      assertEquals(clip.get("frames").asInt(), frames.size(), name + " frame count");
      Set<Integer> ids = new HashSet<>();
      for (int i = 0; i < frames.size(); i++) {
        assertEquals(people, frames.get(i).size(), name + " frame " + i + " face count");
        frames.get(i).forEach(f -> ids.add(f.trackId()));
      }
      assertEquals(people, ids.size(), name + ": one track id per person, got " + ids);
    }
  }

  @Test
  void eachPersonKeepsTheirIdAcrossTheDuoClip() {
    List<List<Face>> frames = track("duo.mp4", true);
    int leftId = leftmost(frames.get(0)).trackId();
    for (List<Face> faces : frames) {
      assertEquals(leftId, leftmost(faces).trackId(), "the person on the left keeps their id");
    }
  }

  private static Face leftmost(List<Face> faces) {
    return faces.stream().min((a, b) -> Double.compare(a.box().x(), b.box().x())).orElseThrow();
  }

  @Test
  void stillFaceDoesNotJitter() throws Exception {
    for (JsonNode clip : clips()) {
      if (!clip.has("still_frames")) continue;
      String name = clip.get("file").asText();
      int from = clip.get("still_frames").get(0).asInt();
      int to = clip.get("still_frames").get(1).asInt();
      double smooth = meanMotion(track(name, true), from, to);
      double raw = meanMotion(track(name, false), from, to);
      System.out.printf(
          "%s still frames %d-%d: landmark motion %.3f px/frame smoothed, " + "%.3f raw%n",
          name, from, to, smooth, raw);
      assertTrue(smooth < 0.5, name + ": mean motion " + smooth + " px/frame");
      assertTrue(smooth <= raw, "smoothing does not add motion");
    }
  }

  /** Mean over frames (from, to] and over all 468 points of the distance moved. */
  static double meanMotion(List<List<Face>> frames, int from, int to) {
    double sum = 0;
    int n = 0;
    for (int i = from + 1; i <= to; i++) {
      Landmarks a = frames.get(i - 1).get(0).landmarks();
      Landmarks b = frames.get(i).get(0).landmarks();
      for (int k = 0; k < Landmarks.COUNT; k++) sum += a.point(k).distance(b.point(k));
      n++;
    }
    return sum / (n * Landmarks.COUNT);
  }

  @Test
  void meshFollowsTheMouthOpening() {
    // the generator opens and closes the astronaut's mouth ~2.3 times a second
    List<List<Face>> frames = track("astronaut.mp4", true);
    double min = Double.MAX_VALUE;
    double max = 0;
    for (List<Face> faces : frames.subList(0, 40)) {
      Landmarks m = faces.get(0).landmarks();
      double gap =
          (m.y(MeshTopology.LOWER_LIP_INNER) - m.y(MeshTopology.UPPER_LIP_INNER))
              / faces.get(0).box().height();
      min = Math.min(min, gap);
      max = Math.max(max, gap);
    }
    assertTrue(max > min * 1.15, "mouth gap varies: " + min + " .. " + max);
  }

  @Test
  void tracksAreCheaperThanDetections() {
    List<List<Face>> frames = track("hopper.mp4", true);
    long detected = frames.stream().flatMap(List::stream).filter(Face::detected).count();
    assertTrue(detected <= frames.size() / 5, "detector ran on " + detected + " frames");
  }
}
