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
    boolean label) {}
