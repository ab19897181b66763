package dev.doppel.cli;

import dev.doppel.swap.Device;
import picocli.CommandLine.Option;

/** How the swap model runs: which precision of a pair, on which device. */
final class ModelRunOptions {
  @Option(
      names = "--int8",
      description =
          "With a pair prefix (models/pair96), use its INT8 graphs "
              + "(PREFIX-*.int8.onnx): faster on a CPU; see the model card for their quality.")
  boolean int8;

  @Option(
      names = "--device",
      defaultValue = "cpu",
      paramLabel = "cpu|cuda",
      description =
          "Where the swap model runs: cpu, or cuda (ONNX Runtime's CUDA provider; "
              + "needs a build with -Pcuda). Default: ${DEFAULT-VALUE}.")
  String device = "cpu";

  /** The checked --device. */
  Device device() {
    return Device.parse(device);
  }
}
