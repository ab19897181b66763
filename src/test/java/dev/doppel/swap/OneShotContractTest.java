package dev.doppel.swap;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.DoppelException;
import dev.doppel.identity.FacePhotos;
import dev.doppel.identity.Recognizer;
import dev.doppel.output.Json;
import dev.doppel.testing.TestMedia;
import dev.doppel.video.VideoFrame;
import dev.doppel.video.VideoReader;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inswapper / ArcFace contract, checked with the project's stand-in models (same names, shapes
 * and emap placement as the real files; see training/standins.py): emap product and
 * re-normalisation, input and output mapping, recogniser normalisation (both InsightFace cases),
 * source photos.
 */
class OneShotContractTest {
  static final Path SWAPPER = Path.of("models/standin-inswapper_128.onnx");
  static final Path RECOGNIZER = Path.of("models/standin-w600k_r50.onnx");
  static final Path RECOGNIZER_MXNET = Path.of("models/standin-w600k_r50-mxnet.onnx");
  static JsonNode reference;
  @TempDir Path dir;

  @BeforeAll
  static void readReference() throws Exception {
    reference = Json.MAPPER.readTree(Path.of("models/standin-reference.json").toFile());
  }

  static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = (float) array.get(i).asDouble();
    return out;
  }

  @Test
  void signaturesAreRecognised() {
    ModelInfo swapper = ModelInfo.read(SWAPPER);
    assertEquals(ModelKind.ONESHOT, swapper.kind());
    assertEquals(128, swapper.size());
    assertEquals(dev.doppel.face.AlignmentTemplate.ARCFACE, swapper.template());
    assertEquals("target", swapper.imageInput().name());
    ModelInfo recognizer = ModelInfo.read(RECOGNIZER);
    assertEquals(ModelKind.RECOGNIZER, recognizer.kind());
    assertEquals("input.1", recognizer.inputs().get(0).name());
    assertEquals("683", recognizer.outputs().get(0).name());
    assertEquals(
        ModelKind.PAIR, ModelInfo.read(Path.of("models/pair96-astronaut2hopper.onnx")).kind());
  }

  /** emap is the last initializer; latent = normalise(normalise(e) . emap), as InsightFace. */
  @Test
  void latentIsTheNormalisedEmapProduct() {
    OnnxFile.Tensor emap = OnnxFile.lastInitializer(SWAPPER);
    assertEquals("emap", emap.name());
    assertArrayEquals(new long[] {512, 512}, emap.dims());
    float[] head = floats(reference.get("emap_first_row_head"));
    float[] tail = floats(reference.get("emap_last_row_tail"));
    for (int i = 0; i < 4; i++) {
      assertEquals(head[i], emap.values()[i], 1e-7);
      assertEquals(tail[i], emap.values()[512 * 512 - 4 + i], 1e-7);
    }
    float[] embedding = floats(reference.get("embedding"));
    float[] expected = floats(reference.get("latent"));
    // a scaled embedding gives the same latent: the embedding is normalised first
    float[] scaled = embedding.clone();
    for (int i = 0; i < scaled.length; i++) scaled[i] *= 7.5f;
    float[] latent = OneShotSwapper.latent(ModelInfo.read(SWAPPER), scaled);
    for (int i = 0; i < 512; i++) assertEquals(expected[i], latent[i], 1e-5, "latent " + i);
    // and the product is re-normalised (its norm before that was far from 1)
    assertTrue(reference.get("latent_norm_before_normalising").asDouble() > 2);
    assertEquals(1.0, Math.sqrt(dot(latent, latent)), 1e-5);
  }

  /** A BGR crop goes in as RGB / 255 and the RGB output comes back as BGR. */
  @Test
  void cropGoesInAsRgbAndComesBackAsBgr() {
    float[] tint = floats(reference.get("tint_rgb"));
    ModelInfo info = ModelInfo.read(SWAPPER);
    double b = 200, g = 100, r = 50;
    try (OneShotSwapper swapper =
            new OneShotSwapper(info, floats(reference.get("embedding")), Device.CPU);
        Scalar colour = new Scalar(b, g, r, 0);
        Mat crop = new Mat(128, 128, CV_8UC3, colour);
        SwapOutput out = swapper.swap(crop);
        FloatIndexer face = out.face().createIndexer();
        FloatIndexer mask = out.mask().createIndexer()) {
      assertEquals(0.6 * b / 255 + tint[2], face.get(64, 64, 0), 1e-5, "blue");
      assertEquals(0.6 * g / 255 + tint[1], face.get(64, 64, 1), 1e-5, "green");
      assertEquals(0.6 * r / 255 + tint[0], face.get(64, 64, 2), 1e-5, "red");
      assertEquals(1.0, mask.get(5, 5), 0.0, "no model mask: the whole crop is offered");
    }
  }

  /** (x - 127.5) / 127.5 in RGB order, unless the graph normalises itself (MXNet export). */
  @Test
  void recogniserInputFollowsInsightFacesRule() {
    double b = 30, g = 120, r = 220;
    try (Recognizer plain = new Recognizer(RECOGNIZER);
        Recognizer mxnet = new Recognizer(RECOGNIZER_MXNET);
        Scalar colour = new Scalar(b, g, r, 0);
        Mat crop = new Mat(112, 112, CV_8UC3, colour)) {
      assertFalse(plain.rawInput());
      assertTrue(mxnet.rawInput(), "first nodes _minusscalar0 and _mulscalar0");
      float[] e = plain.embedCrop(crop);
      assertEquals(1.0, Math.sqrt(dot(e, e)), 1e-5, "used L2-normalised");
      assertEquals((r - 127.5) / 127.5, e[0] / e[3], 1e-4, "channel 0 is red");
      assertEquals((g - 127.5) / 127.5, e[1] / e[3], 1e-4);
      assertEquals((b - 127.5) / 127.5, e[2] / e[3], 1e-4);
      float[] m = mxnet.embedCrop(crop);
      assertEquals((r - 127.5) * 0.0078125, m[0] / m[3], 1e-4, "raw values fed");
      assertEquals((b - 127.5) * 0.0078125, m[2] / m[3], 1e-4);
    }
  }

  @Test
  void sourcePhotoNeedsExactlyOneFaceOrAChoice() throws Exception {
    Path duo = dir.resolve("duo.png");
    Path blank = dir.resolve("blank.png");
    try (VideoReader reader = VideoReader.open(TestMedia.sample("duo.mp4"));
        VideoFrame frame = reader.next();
        Mat synthetic = TestMedia.syntheticFrame(640, 360, 3)) {
      opencv_imgcodecs.imwrite(duo.toString(), frame.image());
      opencv_imgcodecs.imwrite(blank.toString(), synthetic);
    }
    try (Recognizer recognizer = new Recognizer(RECOGNIZER)) {
      DoppelException two =
          assertThrows(
              DoppelException.class,
              () -> FacePhotos.identity(List.of(duo), null, recognizer, "--source"));
      assertTrue(two.getMessage().contains("shows 2 faces"), two.getMessage());
      assertTrue(two.getMessage().contains("--source-face"), two.getMessage());
      DoppelException none =
          assertThrows(
              DoppelException.class,
              () -> FacePhotos.identity(List.of(blank), null, recognizer, "--source"));
      assertEquals("--source " + blank + ": no face found", none.getMessage());
      DoppelException missing =
          assertThrows(
              DoppelException.class,
              () ->
                  FacePhotos.identity(List.of(dir.resolve("x.jpg")), null, recognizer, "--source"));
      assertEquals(DoppelException.USAGE, missing.exitCode());

      float[] left = FacePhotos.identity(List.of(duo), 1, recognizer, "--source");
      float[] right = FacePhotos.identity(List.of(duo), 2, recognizer, "--source");
      float[] astronaut =
          FacePhotos.identity(
              List.of(TestMedia.sample("astronaut.png")), null, recognizer, "--source");
      float[] hopper =
          FacePhotos.identity(
              List.of(TestMedia.sample("grace_hopper.jpg")), null, recognizer, "--source");
      System.out.printf(
          "stand-in similarities: duo1-astronaut %.3f duo1-hopper %.3f "
              + "duo2-astronaut %.3f duo2-hopper %.3f astronaut-hopper %.3f%n",
          Embeddings.cosine(left, astronaut),
          Embeddings.cosine(left, hopper),
          Embeddings.cosine(right, astronaut),
          Embeddings.cosine(right, hopper),
          Embeddings.cosine(astronaut, hopper));
      // several photos: the normalised mean of the normalised embeddings
      float[] both =
          FacePhotos.identity(
              List.of(TestMedia.sample("astronaut.png"), TestMedia.sample("grace_hopper.jpg")),
              null,
              recognizer,
              "--source");
      float[] expected = Embeddings.average(List.of(astronaut, hopper));
      assertArrayEquals(expected, both, 1e-6f);
      assertTrue(Embeddings.cosine(both, astronaut) < 0.9999);
    }
  }

  /**
   * The committed stand-ins are what training/standins.py writes: the same graph (ports, node
   * names, the emap initializer) computing the same values, and the same reference numbers.
   * Compared as graphs and values, not bytes, so a newer onnx package that serialises the same
   * graph differently still passes.
   */
  @Test
  void standInsAreReproducible() throws Exception {
    String python = TrainingRecipeTest.python("numpy, onnx");
    if (python == null) {
      System.out.println("SKIPPED standInsAreReproducible: no python3 with numpy and onnx");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(python != null, "no python3 with numpy, onnx");
    TestMedia.Result r = TestMedia.run(python, "training/standins.py", "--out", dir.toString());
    assertEquals(0, r.exitCode(), r.out());
    for (String f :
        List.of(
            "standin-inswapper_128.onnx",
            "standin-w600k_r50.onnx",
            "standin-w600k_r50-mxnet.onnx")) {
      Path committed = Path.of("models", f);
      Path fresh = dir.resolve(f);
      ModelInfo a = ModelInfo.read(committed);
      ModelInfo b = ModelInfo.read(fresh);
      assertEquals(a.inputs().toString(), b.inputs().toString(), f);
      assertEquals(a.outputs().toString(), b.outputs().toString(), f);
      assertEquals(
          OnnxFile.firstNodeNames(committed, 100_000), OnnxFile.firstNodeNames(fresh, 100_000), f);
      assertArrayEquals(
          OnnxFile.lastInitializer(committed).values(),
          OnnxFile.lastInitializer(fresh).values(),
          0f,
          f);
      java.util.Random random = new java.util.Random(5);
      float[][] inputs = new float[a.inputs().size()][];
      for (int i = 0; i < inputs.length; i++) {
        long n = 1;
        for (long d : a.inputs().get(i).shape()) n *= Math.max(1, d);
        inputs[i] = new float[(int) n];
        for (int j = 0; j < n; j++) inputs[i][j] = random.nextFloat();
      }
      try (OnnxPredictor pa = new OnnxPredictor(a, Device.CPU);
          OnnxPredictor pb = new OnnxPredictor(b, Device.CPU)) {
        float[][] ya = pa.predict(inputs);
        float[][] yb = pb.predict(inputs);
        for (int i = 0; i < ya.length; i++) assertArrayEquals(ya[i], yb[i], 1e-6f, f);
      }
    }
    JsonNode expected =
        dev.doppel.output.Json.MAPPER.readTree(Path.of("models/standin-reference.json").toFile());
    JsonNode actual =
        dev.doppel.output.Json.MAPPER.readTree(dir.resolve("standin-reference.json").toFile());
    assertNumbersEqual(expected, actual, "standin-reference.json");
  }

  /** The same JSON, numbers equal within 1e-6. */
  private static void assertNumbersEqual(JsonNode a, JsonNode b, String where) {
    if (a.isNumber()) {
      assertTrue(b.isNumber(), where);
      assertEquals(a.asDouble(), b.asDouble(), 1e-6, where);
    } else if (a.isContainerNode()) {
      assertEquals(a.size(), b.size(), where);
      if (a.isArray()) {
        for (int i = 0; i < a.size(); i++)
          assertNumbersEqual(a.get(i), b.get(i), where + "[" + i + "]");
      } else {
        a.fieldNames()
            .forEachRemaining(k -> assertNumbersEqual(a.get(k), b.get(k), where + "." + k));
      }
    } else {
      assertEquals(a, b, where);
    }
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
    return s;
  }
}
