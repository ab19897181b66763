package dev.doppel.train;

import dev.doppel.DoppelException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Python that runs the training recipe: the first of {@code $DOPPEL_PYTHON}, {@code python3},
 * {@code /usr/bin/python3} and {@code python} that imports PyTorch, numpy, Pillow and onnx. The
 * first {@code python3} on the PATH is often a version manager's shim without PyTorch, so each is
 * asked, not trusted.
 */
public record PythonRuntime(String executable, String torchVersion, boolean cuda) {
  static final String MODULES = "torch, numpy, PIL, onnx";

  /** Finds one, or fails with one line that says what to install. */
  public static PythonRuntime find() {
    String chosen = System.getenv("DOPPEL_PYTHON");
    List<String> candidates = new ArrayList<>();
    if (chosen != null && !chosen.isBlank()) candidates.add(chosen);
    candidates.addAll(List.of("python3", "/usr/bin/python3", "python"));
    for (String python : candidates) {
      String out = ask(python);
      if (out != null) {
        String[] parts = out.strip().split(" ", -1);
        return new PythonRuntime(python, parts[0], parts.length > 1 && parts[1].equals("True"));
      }
      if (python.equals(chosen)) {
        throw DoppelException.usage(
            "DOPPEL_PYTHON="
                + chosen
                + " cannot import "
                + MODULES
                + ": install them there (pip install torch numpy pillow onnx) or unset it");
      }
    }
    throw DoppelException.usage(
        "doppel train needs a Python 3 with PyTorch, numpy, Pillow and onnx, and none of "
            + String.join(", ", candidates)
            + " has them: apt-get install python3-torch python3-numpy python3-pil python3-onnx "
            + "(Debian/Ubuntu), or pip install torch numpy pillow onnx and set DOPPEL_PYTHON");
  }

  /** "torch_version cuda_available", or null when this interpreter lacks a module or is absent. */
  private static String ask(String python) {
    try {
      Process p =
          new ProcessBuilder(
                  python,
                  "-c",
                  "import " + MODULES + "; print(torch.__version__, torch.cuda.is_available())")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? out.lines().reduce((a, b) -> b).orElse("") : null;
    } catch (IOException e) {
      return null; // not installed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DoppelException.processing("interrupted while looking for Python");
    }
  }
}
