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
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Swaps only the faces a trained model was trained to read. Its graph into T is the shared encoder
 * and T's decoder; the model's graph into S holds S's decoder, so running it on a face reconstructs
 * the face as S. A face of S comes back close (the training's held-out PSNR, which train.py writes
 * into the graphs); anyone else comes back as S, far from the input. A pair has one source identity
 * (S2T's partner T2S reconstructs S); a model of more identities has several (every identity but
 * T), and a face passes when it reconstructs well enough as any of them. Each track is judged on
 * its first frame and then every {@value #SAMPLE_EVERY} frames until {@value #SAMPLES} samples are
 * in (the mean squared error over the samples so far decides); a refused track is reported once.
 */
public final class IdentityGuard implements AutoCloseable {
  static final int SAMPLE_EVERY = 10;
  static final int SAMPLES = 5;

  /** How far below the held-out figure a face may reconstruct and still count as S, in dB. */
  public static final double DEFAULT_MARGIN_DB = 6.0;

  /** One source identity: the graph that reconstructs it and the figures it is judged by. */
  private record Judge(PairSwapper graph, String identity, double heldout, double threshold) {}

  private final List<Judge> judges;
  private final Consumer<String> notes;
  private final Map<Integer, Track> tracks = new LinkedHashMap<>();
  private long frame;

  private static final class Track {
    final double[] squaredError;
    final double[] weight;
    int samples;
    long lastSample;
    long firstFrame;
    boolean reported;

    Track(int judges) {
      squaredError = new double[judges];
      weight = new double[judges];
    }

    double psnr(int judge) {
      return 10 * Math.log10(weight[judge] / squaredError[judge]);
    }
  }

  private IdentityGuard(List<Judge> judges, Consumer<String> notes) {
    this.judges = judges;
    this.notes = notes;
  }

  /**
   * The guard of a trained model's graph, or null when it cannot be built: the graphs carry no
   * held-out figure (models trained before it was recorded; the shipped demo's figures are in
   * {@code models/manifest.json}, see {@link ShippedMetadata}) or the graph of a source identity is
   * not beside this one.
   *
   * @param notes receives one line per refused track
   */
  public static IdentityGuard forModel(
      ModelInfo model, double margin, Device device, Consumer<String> notes) {
    List<Judge> judges = new ArrayList<>();
    try {
      for (String identity : model.identities()) {
        if (identity.equals(model.target())) continue;
        Path file = ModelResolver.graphInto(model, identity);
        if (file == null) return closeAll(judges);
        ModelInfo graph = ModelInfo.read(file);
        if (!graph.target().equals(identity)) return closeAll(judges);
        // the graph's own figure for its target; a pair's older graphs carry it on the partner
        String figure =
            ShippedMetadata.get(graph.metadata(), graph.path(), "doppel.target_heldout_psnr")
                .orElse(null);
        if (figure == null && model.identities().size() == 2) {
          figure = model.metadata().get("doppel.source_heldout_psnr");
        }
        if (figure == null) return closeAll(judges);
        double heldout = Double.parseDouble(figure);
        judges.add(new Judge(new PairSwapper(graph, device), identity, heldout, heldout - margin));
      }
    } catch (RuntimeException e) {
      closeAll(judges);
      throw e;
    }
    return judges.isEmpty() ? null : new IdentityGuard(List.copyOf(judges), notes);
  }

  private static IdentityGuard closeAll(List<Judge> judges) {
    judges.forEach(j -> j.graph().close());
    return null;
  }

  /** The faces judged to be one of the model's source identities. */
  public List<Face> pick(List<Face> faces, Mat frameImage) {
    frame++;
    List<Face> kept = new ArrayList<>();
    for (Face f : faces) {
      Track t = tracks.computeIfAbsent(f.trackId(), id -> new Track(judges.size()));
      if (t.samples == 0) t.firstFrame = frame - 1;
      if (t.samples == 0 || (t.samples < SAMPLES && frame - t.lastSample >= SAMPLE_EVERY)) {
        sample(t, f, frameImage);
      }
      int best = closest(t);
      if (t.psnr(best) >= judges.get(best).threshold()) {
        kept.add(f);
      } else if (!t.reported) {
        t.reported = true;
        notes.accept(refusal(f.trackId(), t, best));
      }
    }
    return kept;
  }

  /** The judge the track comes closest to passing (largest PSNR above its threshold). */
  private int closest(Track t) {
    int best = 0;
    for (int j = 1; j < judges.size(); j++) {
      if (t.psnr(j) - judges.get(j).threshold() > t.psnr(best) - judges.get(best).threshold()) {
        best = j;
      }
    }
    return best;
  }

  private String refusal(int trackId, Track t, int best) {
    Judge j = judges.get(best);
    String who =
        judges.size() == 1
            ? "is not " + j.identity()
            : "is none of "
                + String.join(", ", judges.stream().map(Judge::identity).toList())
                + " (closest: "
                + j.identity()
                + ")";
    return String.format(
        Locale.ROOT,
        "track %d (from frame %d) %s: it reconstructs at %.1f dB through %s's decoder, the "
            + "model's held-out faces at %.1f dB; left as it is (--faces all swaps every face)",
        trackId,
        t.firstFrame,
        who,
        t.psnr(best),
        j.identity(),
        j.heldout());
  }

  /** Adds one frame's masked squared error of the face against each reconstruction. */
  private void sample(Track t, Face face, Mat frameImage) {
    for (int j = 0; j < judges.size(); j++) {
      PairSwapper graph = judges.get(j).graph();
      ModelInfo info = graph.info();
      Alignment alignment = Alignment.of(face.fivePoints(), info.template(), info.size());
      try (Mat crop = alignment.crop(frameImage);
          Mat input = new Mat();
          SwapOutput out = graph.swap(crop)) {
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
                t.squaredError[j] += w * d * d;
              }
              t.weight[j] += 3 * w;
            }
          }
        }
      }
      t.squaredError[j] = Math.max(t.squaredError[j], 1e-12);
    }
    t.samples++;
    t.lastSample = frame;
  }

  /** Track id to its reconstruction PSNR through the identity it comes closest to. */
  public Map<Integer, Double> psnrPerTrack() {
    Map<Integer, Double> out = new LinkedHashMap<>();
    tracks.forEach((id, t) -> out.put(id, Math.round(t.psnr(closest(t)) * 100) / 100.0));
    return out;
  }

  /** The figures the guard decides by, for the sidecar. */
  public Map<String, Object> settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    Judge first = judges.get(0);
    s.put("identity", first.identity());
    s.put("heldout_psnr_db", first.heldout());
    s.put("threshold_db", first.threshold());
    if (judges.size() > 1) {
      List<Map<String, Object>> all = new ArrayList<>();
      for (Judge j : judges) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("identity", j.identity());
        m.put("heldout_psnr_db", j.heldout());
        m.put("threshold_db", j.threshold());
        all.add(m);
      }
      s.put("identities", all);
      Map<Integer, String> closest = new LinkedHashMap<>();
      tracks.forEach((id, t) -> closest.put(id, judges.get(closest(t)).identity()));
      s.put("closest_identity_per_track", closest);
    }
    s.put("psnr_per_track", psnrPerTrack());
    return s;
  }

  @Override
  public void close() {
    judges.forEach(j -> j.graph().close());
  }
}
