package dev.doppel.identity;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;

import dev.doppel.face.Alignment;
import dev.doppel.face.Face;
import dev.doppel.swap.Device;
import dev.doppel.swap.ModelInfo;
import dev.doppel.swap.ModelResolver;
import dev.doppel.swap.PairSwapper;
import dev.doppel.swap.SwapOutput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Swaps only the faces a pair model was trained to read. A pair graph S2T is the shared encoder and
 * T's decoder; its partner T2S holds S's decoder, so running the partner on a face reconstructs it
 * as S. A face of S comes back close (the training's held-out PSNR, which train.py writes into the
 * graph as {@code doppel.source_heldout_psnr}); anyone else comes back as S, far from the input.
 * Each track is judged on its first frame and then every {@value #SAMPLE_EVERY} frames until
 * {@value #SAMPLES} samples are in (the mean squared error over the samples so far decides); a
 * refused track is reported once.
 */
public final class IdentityGuard implements AutoCloseable {
  static final int SAMPLE_EVERY = 10;
  static final int SAMPLES = 5;

  /** How far below the held-out figure a face may reconstruct and still count as S, in dB. */
  public static final double DEFAULT_MARGIN_DB = 6.0;

  private final PairSwapper partner;
  private final String identity;
  private final double threshold;
  private final double heldout;
  private final Consumer<String> notes;
  private final Map<Integer, Track> tracks = new LinkedHashMap<>();
  private long frame;

  private static final class Track {
    double squaredError;
    double weight;
    int samples;
    long lastSample;
    long firstFrame;
    boolean reported;

    double psnr() {
      return 10 * Math.log10(weight / squaredError);
    }
  }

  private IdentityGuard(
      PairSwapper partner, String identity, double heldout, double margin, Consumer<String> notes) {
    this.partner = partner;
    this.identity = identity;
    this.heldout = heldout;
    this.threshold = heldout - margin;
    this.notes = notes;
  }

  /**
   * The guard of a pair graph, or null when it cannot be built: the graph carries no held-out
   * figure (models trained before it was recorded, the shipped demo) or its partner graph is not
   * beside it.
   *
   * @param notes receives one line per refused track
   */
  public static IdentityGuard forModel(
      ModelInfo model, double margin, Device device, Consumer<String> notes) {
    String figure = model.metadata().get("doppel.source_heldout_psnr");
    Path partnerFile = ModelResolver.partner(model);
    if (figure == null || partnerFile == null) return null;
    ModelInfo partner = ModelInfo.read(partnerFile);
    if (!partner.source().equals(model.target()) || !partner.target().equals(model.source())) {
      return null;
    }
    return new IdentityGuard(
        new PairSwapper(partner, device),
        model.source(),
        Double.parseDouble(figure),
        margin,
        notes);
  }

  /** The faces judged to be the model's source identity. */
  public List<Face> pick(List<Face> faces, Mat frameImage) {
    frame++;
    List<Face> kept = new ArrayList<>();
    for (Face f : faces) {
      Track t = tracks.computeIfAbsent(f.trackId(), id -> new Track());
      if (t.samples == 0) t.firstFrame = frame - 1;
      if (t.samples == 0 || (t.samples < SAMPLES && frame - t.lastSample >= SAMPLE_EVERY)) {
        sample(t, f, frameImage);
      }
      if (t.psnr() >= threshold) {
        kept.add(f);
      } else if (!t.reported) {
        t.reported = true;
        notes.accept(
            String.format(
                java.util.Locale.ROOT,
                "track %d (from frame %d) is not %s: it reconstructs at %.1f dB through %s's "
                    + "decoder, the model's held-out faces at %.1f dB; left as it is (--faces "
                    + "all swaps every face)",
                f.trackId(),
                t.firstFrame,
                identity,
                t.psnr(),
                identity,
                heldout));
      }
    }
    return kept;
  }

  /** Adds one frame's masked squared error of the face against its reconstruction. */
  private void sample(Track t, Face face, Mat frameImage) {
    ModelInfo info = partner.info();
    Alignment alignment = Alignment.of(face.fivePoints(), info.template(), info.size());
    try (Mat crop = alignment.crop(frameImage);
        Mat input = new Mat();
        SwapOutput out = partner.swap(crop)) {
      crop.convertTo(input, CV_32F, 1 / 255.0, 0);
      try (FloatIndexer x = input.createIndexer();
          FloatIndexer y = out.face().createIndexer();
          FloatIndexer m = out.mask().createIndexer()) {
        int s = info.size();
        for (int r = 0; r < s; r++) {
          for (int c = 0; c < s; c++) {
            double w = m.get(r, c);
            if (w <= 0) continue;
            for (int ch = 0; ch < 3; ch++) {
              double d = x.get(r, c, ch) - y.get(r, c, ch);
              t.squaredError += w * d * d;
            }
            t.weight += 3 * w;
          }
        }
      }
    }
    t.squaredError = Math.max(t.squaredError, 1e-12);
    t.samples++;
    t.lastSample = frame;
  }

  /** Track id to its reconstruction PSNR, for the sidecar. */
  public Map<Integer, Double> psnrPerTrack() {
    Map<Integer, Double> out = new LinkedHashMap<>();
    tracks.forEach((id, t) -> out.put(id, Math.round(t.psnr() * 100) / 100.0));
    return out;
  }

  /** The figures the guard decides by, for the sidecar. */
  public Map<String, Object> settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("identity", identity);
    s.put("heldout_psnr_db", heldout);
    s.put("threshold_db", threshold);
    s.put("psnr_per_track", psnrPerTrack());
    return s;
  }

  @Override
  public void close() {
    partner.close();
  }
}
