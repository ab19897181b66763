package dev.doppel.output;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a distributed job's files go: a folder every worker sees (a shared filesystem) or a Hadoop
 * filesystem. Workers render to a local temp folder and {@link #put} each file: it is written under
 * a temporary name and renamed, so a killed or duplicated (speculative) task never leaves a half
 * file; two attempts at one file write the same bytes, so whichever rename lands last is right.
 * Paths are strings in the store's own syntax; an implementation is sent to every worker.
 */
public interface OutputStore extends Serializable {
  /** Suffix of the temporary files that {@link #removeTemps} cleans up. */
  String TEMP_SUFFIX = ".doppel-part";

  /** The location {@code name} inside {@code folder}; {@code name} may hold '/'. */
  String child(String folder, String name);

  /** The folder that holds {@code path}. */
  String parent(String path);

  /** The last name of {@code path}. */
  String name(String path);

  boolean exists(String path) throws IOException;

  /** Deletes a file or folder tree; nothing when absent. */
  void deleteTree(String path) throws IOException;

  /** Copies a local file to {@code target} atomically (temporary name, then rename). */
  void put(Path local, String target) throws IOException;

  /** Deletes the temporary files that killed tasks left under {@code folder}. */
  List<String> removeTemps(String folder) throws IOException;

  /** Moves a finished folder into place; {@code to} must not exist. */
  void rename(String from, String to) throws IOException;

  /** Folders, made as needed. */
  void mkdirs(String folder) throws IOException;
}
