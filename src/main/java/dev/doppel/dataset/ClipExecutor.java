package dev.doppel.dataset;

import dev.doppel.output.OutputStore;
import java.util.List;

/**
 * Renders a dataset's clips somewhere other than this JVM's threads (a Spark cluster): each task's
 * files are {@link ClipTask#renderAndStore stored} under the building folder of {@code store}.
 */
public interface ClipExecutor {
  /** Every task rendered once and stored; the list in any order (the builder sorts it). */
  List<RenderedClip> render(List<ClipTask> tasks, OutputStore store, String building);
}
