package dev.doppel.provenance.c2pa;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** Where a file format keeps a C2PA manifest store, and how its hard binding is computed. */
interface Container {
  /** Puts the store {@code writer} makes into {@code file}, bound to the file's final bytes. */
  void embed(Path file, ManifestStoreWriter writer) throws IOException;

  /** The manifest store's bytes, or null when the file has none. */
  byte[] store(Path file) throws IOException;

  /** Whether the hard binding (its label and content) matches the file's bytes. */
  boolean bindingMatches(Path file, String label, JsonNode binding) throws IOException;

  /** The container for a file name, or null for formats C2PA gives no embedding (MKV, AVI). */
  static Container forName(String fileName) {
    String n = fileName.toLowerCase(Locale.ROOT);
    if (n.endsWith(".mp4") || n.endsWith(".mov") || n.endsWith(".m4v")) return new BmffContainer();
    if (n.endsWith(".png")) return new PngContainer();
    if (n.endsWith(".jpg") || n.endsWith(".jpeg")) return new JpegContainer();
    return null;
  }

  /** The container whose magic bytes start {@code head}, or null. */
  static Container forContent(byte[] head) {
    if (head.length >= 8 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N') {
      return new PngContainer();
    }
    if (head.length >= 2 && (head[0] & 0xff) == 0xFF && (head[1] & 0xff) == 0xD8) {
      return new JpegContainer();
    }
    if (head.length >= 8 && Jumbf.fourCc(head, 4).equals("ftyp")) return new BmffContainer();
    return null;
  }
}
