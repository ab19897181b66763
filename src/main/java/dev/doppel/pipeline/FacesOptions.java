package dev.doppel.pipeline;

import dev.doppel.face.TrackerSettings;
import dev.doppel.video.EncodeSettings;
import dev.doppel.video.MediaSource;
import dev.doppel.video.TimeRange;
import java.io.Writer;
import java.nio.file.Path;

/**
 * What {@code doppel faces} does.
 *
 * @param annotatedVideo where to write the annotated video, or null
 * @param json where to write JSON Lines, or null
 * @param jsonOut where to write JSON Lines when {@code json} is null (e.g. stdout), or null
 * @param encode how to encode the annotated video (null when there is none)
 * @param label whether outputs carry Doppel's provenance label
 * @param range the part of the input to analyse; frame numbers and times count from its start
 * @param source where the input comes from (see {@link SwapOptions#source()})
 */
public record FacesOptions(
    Path input,
    Path annotatedVideo,
    Path json,
    Writer jsonOut,
    EncodeSettings encode,
    TrackerSettings tracker,
    boolean label,
    TimeRange range,
    MediaSource source) {

  public FacesOptions {
    if (source == null) source = MediaSource.file(java.util.Objects.requireNonNull(input, "input"));
    input = source.isFile() ? source.file() : null;
  }
}
