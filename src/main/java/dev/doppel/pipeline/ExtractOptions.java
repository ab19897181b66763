package dev.doppel.pipeline;

import dev.doppel.face.AlignmentTemplate;
import dev.doppel.face.TrackerSettings;
import dev.doppel.video.TimeRange;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code doppel extract} does.
 *
 * @param size side of the aligned crops in pixels
 * @param every keep every Nth frame (1 = all)
 * @param minFace smallest face (mesh box side, frame pixels) worth a crop
 * @param range the part of every input to read
 */
public record ExtractOptions(
    List<Path> inputs,
    Path output,
    int size,
    int every,
    AlignmentTemplate template,
    int minFace,
    TrackerSettings tracker,
    TimeRange range) {}
