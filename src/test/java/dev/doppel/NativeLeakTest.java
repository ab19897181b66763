package dev.doppel;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doppel.blend.BlendSettings;
import dev.doppel.blend.FaceBlender;
import dev.doppel.dataset.ClipRenderer;
import dev.doppel.dataset.ClipRendererTest;
import dev.doppel.dataset.Perturbation;
import dev.doppel.face.Face;
import dev.doppel.face.FaceTracker;
import dev.doppel.face.TrackerSettings;
import dev.doppel.identity.FaceClips;
import dev.doppel.identity.Recognizer;
import dev.doppel.render.FaceRenderer;
import dev.doppel.swap.ModelResolver;
import dev.doppel.swap.PairSwapper;
import dev.doppel.testing.TestMedia;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every native object of the render path has one owner that closes it. With the garbage collector
 * kept out of it (no System.gc; these loops make little Java garbage), the native memory JavaCPP
 * counts must stay flat over a few hundred frames: a leaked frame-sized Mat per frame would add
 * megabytes, a leaked Scalar or Size per frame thousands of objects.
 */
@Tag("slow")
class NativeLeakTest {
  @TempDir Path dir;

  /** JavaCPP's count of live deallocators and of the bytes they own. */
  private record Native(long objects, long bytes) {
    static Native now() {
      return new Native(Pointer.totalCount(), Pointer.totalBytes());
    }

    void assertFlatSince(Native before, String what, int frames) {
      long objects = this.objects - before.objects;
      long bytes = this.bytes - before.bytes;
      System.out.printf(
          "%s, %d frames: %+d native objects, %+d bytes%n", what, frames, objects, bytes);
      assertTrue(objects < 50, what + ": " + objects + " more live native objects");
      assertTrue(bytes < 1_000_000, what + ": " + bytes + " more native bytes");
    }
  }

  @Test
  void theSwapRenderStepIsFlat() {
    try (Mat image = imread(TestMedia.sample("astronaut.png").toString());
        FaceTracker tracker = new FaceTracker(TrackerSettings.defaults());
        PairSwapper swapper =
            new PairSwapper(
                ModelResolver.resolve(Path.of("models/pair96"), "a2b"),
                dev.doppel.swap.Device.CPU)) {
      List<Face> faces = tracker.next(image, 0);
      assertFalse(faces.isEmpty(), "the sample has a face");
      FaceRenderer renderer = new FaceRenderer(swapper, new FaceBlender(BlendSettings.defaults()));
      Native before = null;
      for (int i = 0; i < 250; i++) {
        if (i == 50) before = Native.now(); // after the first frames' one-time allocations
        try (Mat frame = image.clone();
            Mat mask =
                new Mat(
                    frame.rows(), frame.cols(), org.bytedeco.opencv.global.opencv_core.CV_8UC1)) {
          for (Face face : faces) renderer.render(frame, face, mask);
        }
      }
      Native.now().assertFlatSince(before, "swap render step", 200);
    }
  }

  @Test
  void perturbationsAreFlat() {
    try (Mat image = imread(TestMedia.sample("astronaut.png").toString())) {
      for (Perturbation kind : Perturbation.values()) {
        if (!kind.isFrameOperation()) continue; // video_compression acts on the stream
        Random random = new Random(1);
        Native before = null;
        for (int i = 0; i < 250; i++) {
          if (i == 50) before = Native.now();
          try (Mat frame = image.clone()) {
            kind.apply(frame, 3, random);
          }
        }
        Native.now().assertFlatSince(before, kind.name(), 200);
      }
    }
  }

  @Test
  void sourceIdentitiesFromClipsAreFlat() {
    Path clip = TestMedia.trim(TestMedia.sample("hopper.mp4"), dir.resolve("hopper.mp4"), 30);
    try (Recognizer recognizer = new Recognizer(Path.of("models/standin-w600k_r50.onnx"))) {
      FaceClips.identity(List.of(clip), recognizer, TrackerSettings.defaults(), 4);
      Native before = Native.now();
      for (int i = 0; i < 4; i++) {
        FaceClips.identity(List.of(clip), recognizer, TrackerSettings.defaults(), 4);
      }
      Native.now().assertFlatSince(before, "FaceClips.identity x4", 120);
    }
  }

  @Test
  void theClipRendererIsFlat() {
    Path in = TestMedia.trim(TestMedia.sample("astronaut.mp4"), dir.resolve("in.mp4"), 60);
    Path real = dir.resolve("real.mkv");
    List<ClipRenderer.Step> steps =
        List.of(
            new ClipRenderer.Step(Perturbation.GAUSSIAN_NOISE, 2),
            new ClipRenderer.Step(Perturbation.BLOCK_WISE, 2));
    try (PairSwapper swapper =
        new PairSwapper(
            ModelResolver.resolve(Path.of("models/pair96"), "a2b"), dev.doppel.swap.Device.CPU)) {
      Native before = null;
      for (int run = 0; run < 3; run++) {
        if (run == 1) before = Native.now(); // the first run loads the face models once
        ClipRendererTest.renderLossless(
            in,
            swapper,
            real,
            dir.resolve("fake.mkv"),
            dir.resolve("mask.mkv"),
            dir.resolve("fake.jsonl"),
            steps,
            run);
      }
      Native.now().assertFlatSince(before, "clip renderer x2", 120);
    }
  }
}
