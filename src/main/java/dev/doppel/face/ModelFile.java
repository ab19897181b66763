package dev.doppel.face;

import static org.bytedeco.opencv.global.opencv_dnn.readNetFromTFLite;

import dev.doppel.DoppelException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_dnn.Net;

/**
 * Loads a model shipped in {@code models/}. The build copies that folder into the jar, so the
 * runnable jar needs no files beside it; {@code -Ddoppel.models=DIR} reads another folder.
 */
final class ModelFile {
  private ModelFile() {}

  static byte[] read(String name) {
    String dir = System.getProperty("doppel.models");
    try {
      if (dir != null) return Files.readAllBytes(Path.of(dir, name));
      try (InputStream in = ModelFile.class.getResourceAsStream("/models/" + name)) {
        if (in == null) throw new IOException("not packaged in the jar");
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw DoppelException.processing("cannot load model: " + name + ": " + e.getMessage());
    }
  }

  /** Serialises TFLite imports across threads; see {@link #tflite}. */
  private static final Object IMPORT_LOCK = new Object();

  /**
   * Imports a TFLite graph. One import at a time: a batch run with two workers once failed with
   * OpenCV's "Unsupported operator type RELU" while both imported at the same moment (seen once in
   * about ten multi-worker runs), which points at importer state shared between threads.
   */
  static Net tflite(String name) {
    byte[] bytes = read(name);
    try (BytePointer buffer = new BytePointer(bytes)) {
      Net net;
      synchronized (IMPORT_LOCK) {
        net = readNetFromTFLite(buffer, bytes.length);
      }
      if (net.empty()) throw DoppelException.processing("cannot load model: " + name);
      return net;
    }
  }
}
