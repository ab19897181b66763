package dev.doppel.pipeline;

import dev.doppel.blend.BlendSettings;
import dev.doppel.face.TrackerSettings;
import dev.doppel.swap.Device;
import dev.doppel.swap.FaceSelection;
import dev.doppel.video.EncodeSettings;
import dev.doppel.video.MediaSource;
import dev.doppel.video.Stills;
import dev.doppel.video.TimeRange;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@code doppel swap} does. Made with {@link #builder}, which starts from the command line's
 * defaults.
 *
 * @param model a graph file, or a pair prefix resolved with {@code direction}
 * @param direction a2b, b2a, or null for the file's own (a2b for a prefix)
 * @param encode null when writing a preview or a still image
 * @param previewFrame when not null, write only a side-by-side PNG of this frame to output
 * @param sources photos of the new face, for a one-shot model (averaged when several)
 * @param sourceFace which face of each source photo (1 = leftmost), null when each shows one
 * @param recognizer ArcFace-style model: needed for one-shot models and {@code --faces like:}
 * @param pipelined decode, analysis, swap and encode on their own threads (false: one thread, the
 *     reference the pipelined path must match)
 * @param int8 with a pair prefix, use its INT8 graphs
 * @param guard swap only faces a trained pair model judges to be its source identity (see
 *     identity.IdentityGuard); the CLI sets it when --faces is not given
 * @param range the part of the input to swap; the output is that part alone
 * @param to the model identity to swap faces into ({@code --to}), or null for {@code direction}
 * @param source where the input comes from: the file {@code input}, or a URL, standard input or a
 *     device (then {@code input} is null)
 */
public record SwapOptions(
    Path input,
    Path output,
    Path model,
    String direction,
    FaceSelection faces,
    BlendSettings blend,
    EncodeSettings encode,
    TrackerSettings tracker,
    Long previewFrame,
    boolean label,
    List<Path> sources,
    Integer sourceFace,
    Path recognizer,
    boolean pipelined,
    boolean int8,
    Device device,
    boolean guard,
    TimeRange range,
    String to,
    MediaSource source) {

  public SwapOptions {
    if (source == null) source = MediaSource.file(Objects.requireNonNull(input, "input"));
    input = source.isFile() ? source.file() : null;
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(faces, "faces");
    Objects.requireNonNull(blend, "blend");
    Objects.requireNonNull(tracker, "tracker");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(range, "range");
    sources = List.copyOf(sources);
    if ((encode == null) != (previewFrame != null || Stills.isStill(output))) {
      throw new IllegalArgumentException("a video output needs encode settings, an image none");
    }
  }

  /**
   * A swap of every face with the model's own direction, the default blend (the model's colour
   * transfer), the output's default codec, labelled, pipelined, on the CPU.
   */
  public static Builder builder(Path input, Path output, Path model) {
    return new Builder(input, output, model);
  }

  /** Defaults as on the command line; each setter replaces one of them. */
  public static final class Builder {
    private final Path input;
    private final Path output;
    private final Path model;
    private String direction;
    private FaceSelection faces = new FaceSelection.All();
    private BlendSettings blend = BlendSettings.defaults().withColour(null);
    private EncodeSettings encode;
    private TrackerSettings tracker = TrackerSettings.defaults();
    private Long previewFrame;
    private boolean label = true;
    private List<Path> sources = List.of();
    private Integer sourceFace;
    private Path recognizer;
    private boolean pipelined = true;
    private boolean int8;
    private Device device = Device.CPU;
    private boolean guard;
    private TimeRange range = TimeRange.ALL;
    private MediaSource source;
    private String to;

    private Builder(Path input, Path output, Path model) {
      this.input = input;
      this.output = output;
      this.model = model;
    }

    public Builder direction(String d) {
      direction = d;
      return this;
    }

    public Builder faces(FaceSelection f) {
      faces = f;
      return this;
    }

    public Builder blend(BlendSettings b) {
      blend = b;
      return this;
    }

    /** Default: the output's container's default codec at its default quality. */
    public Builder encode(EncodeSettings e) {
      encode = e;
      return this;
    }

    public Builder tracker(TrackerSettings t) {
      tracker = t;
      return this;
    }

    /** Writes only a side-by-side PNG of this frame (the output must be a .png). */
    public Builder preview(long frame) {
      previewFrame = frame;
      return this;
    }

    public Builder label(boolean l) {
      label = l;
      return this;
    }

    public Builder sources(List<Path> photos, Integer face) {
      sources = photos;
      sourceFace = face;
      return this;
    }

    public Builder recognizer(Path r) {
      recognizer = r;
      return this;
    }

    public Builder pipelined(boolean p) {
      pipelined = p;
      return this;
    }

    public Builder int8(boolean i) {
      int8 = i;
      return this;
    }

    public Builder device(Device d) {
      device = d;
      return this;
    }

    public Builder guard(boolean g) {
      guard = g;
      return this;
    }

    /** Reads a URL, standard input or a device instead of the input file. */
    public Builder source(MediaSource s) {
      source = s;
      return this;
    }

    /** The identity of a trained model to swap faces into (picks its graph). */
    public Builder to(String identity) {
      to = identity;
      return this;
    }

    public Builder range(TimeRange r) {
      range = r;
      return this;
    }

    public SwapOptions build() {
      EncodeSettings e =
          encode != null || previewFrame != null || Stills.isStill(output)
              ? encode
              : EncodeSettings.forOutput(output, null, null, null);
      return new SwapOptions(
          input,
          output,
          model,
          direction,
          faces,
          blend,
          e,
          tracker,
          previewFrame,
          label,
          sources,
          sourceFace,
          recognizer,
          pipelined,
          int8,
          device,
          guard,
          range,
          to,
          source);
    }
  }
}
