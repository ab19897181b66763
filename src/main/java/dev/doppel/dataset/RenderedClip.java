package dev.doppel.dataset;

import dev.doppel.output.StoredFile;
import java.io.Serializable;
import java.util.List;

/**
 * What a worker reports of one {@link ClipTask}: the render's figures and every file it stored.
 *
 * @param index the task's place in the plan
 */
public record RenderedClip(int index, ClipRenderer.Result result, List<StoredFile> files)
    implements Serializable {
  private static final long serialVersionUID = 1L;
}
