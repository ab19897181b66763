package dev.doppel.output;

import java.io.Serializable;

/**
 * A file a worker stored, as the driver lists it in checksums.
 *
 * @param path relative to the job's output folder, '/'-separated
 */
public record StoredFile(String path, long size, String sha256) implements Serializable {
  private static final long serialVersionUID = 1L;
}
