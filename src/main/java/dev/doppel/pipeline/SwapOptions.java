package dev.doppel.pipeline;

import dev.doppel.blend.BlendSettings;
import dev.doppel.face.TrackerSettings;
import dev.doppel.swap.FaceSelection;
import dev.doppel.video.EncodeSettings;
import java.nio.file.Path;

/**
 * What {@code doppel swap} does.
 *
 * @param model a graph file, or a pair prefix resolved with {@code direction}
 * @param direction a2b, b2a, or null for the file's own (a2b for a prefix)
 * @param previewFrame when not null, write only a side-by-side PNG of this frame to output
 * @param sources photos of the new face, for a one-shot model (averaged when several)
 * @param sourceFace which face of each source photo (1 = leftmost), null when each shows one
 * @param recognizer ArcFace-style model: needed for one-shot models and {@code --faces like:}
 * @param pipelined decode, analysis, swap and encode on their own threads (false: one thread,
 *     the reference the pipelined path must match)
 * @param int8 with a pair prefix, use its INT8 graphs
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
    java.util.List<Path> sources,
    Integer sourceFace,
    Path recognizer,
    boolean pipelined,
    boolean int8) {}
