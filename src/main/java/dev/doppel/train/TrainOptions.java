package dev.doppel.train;

import java.nio.file.Path;
import java.util.Map;

/**
 * What {@code doppel train} does.
 *
 * @param identities name to clips: a clip, a folder of clips, or a folder written by {@code doppel
 *     extract} (in the order given: the first is the model's a, the second its b)
 * @param prefix the model's files are PREFIX-a2b.onnx, PREFIX-b2a.onnx and PREFIX.md
 * @param spec a spec file or a shipped spec's name
 * @param steps overrides the spec's step count; null keeps it
 * @param device auto (CUDA when PyTorch sees it), cpu or cuda
 * @param every extract every Nth frame of the clips
 * @param resume fail unless an earlier run of this command left a checkpoint
 * @param threads PyTorch's CPU threads; null leaves PyTorch's default
 */
public record TrainOptions(
    Map<String, Path> identities,
    Path prefix,
    String spec,
    Integer steps,
    String device,
    int every,
    boolean resume,
    Integer threads) {

  /** The work folder beside the model: face sets, the recipe copy, checkpoints and logs. */
  public Path work() {
    Path p = prefix.toAbsolutePath().normalize();
    return p.resolveSibling(p.getFileName() + ".train");
  }
}
