package dev.doppel.swap;

import dev.doppel.DoppelException;
import java.util.Locale;

/** Where a model runs: the CPU, or ONNX Runtime's CUDA provider (a build with -Pcuda). */
public enum Device {
  CPU,
  CUDA;

  /** {@code cpu} or {@code cuda}, as on the command line. */
  public static Device parse(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "cpu" -> CPU;
      case "cuda" -> CUDA;
      default -> throw DoppelException.usage("--device " + name + ": use cpu or cuda");
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
