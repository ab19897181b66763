package dev.doppel.provenance.c2pa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.function.IntToLongFunction;
import java.util.function.UnaryOperator;

/**
 * The {@code c2pa.hash.data} hard binding of still images: SHA-256 of every byte of the file but
 * one excluded range, the bytes that hold the manifest store.
 */
final class DataHash {
  private DataHash() {}

  static final String LABEL = "c2pa.hash.data";

  static ObjectNode assertion(long start, long length, byte[] hash) {
    ObjectNode a = Cbor.map();
    a.putArray("exclusions").addObject().put("start", start).put("length", length);
    a.put("name", "jumbf manifest");
    a.put("alg", "sha256");
    a.put("hash", hash);
    a.put("pad", new byte[0]);
    return a;
  }

  static byte[] hash(byte[] file, long start, long length) {
    MessageDigest md = sha256();
    md.update(file, 0, (int) start);
    md.update(file, (int) (start + length), (int) (file.length - start - length));
    return md.digest();
  }

  /** Whether a still's data-hash assertion matches its bytes. */
  static boolean matches(byte[] file, JsonNode binding) throws java.io.IOException {
    if (!"sha256".equals(binding.path("alg").asText())) return false;
    MessageDigest md = sha256();
    long pos = 0;
    for (JsonNode e : binding.path("exclusions")) {
      long start = e.path("start").asLong(-1);
      long length = e.path("length").asLong(-1);
      if (start < pos || length < 1 || start + length > file.length) return false;
      md.update(file, (int) pos, (int) (start - pos));
      pos = start + length;
    }
    md.update(file, (int) pos, (int) (file.length - pos));
    return Arrays.equals(md.digest(), binding.path("hash").binaryValue());
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Embeds the store into a still: {@code wrap} turns the store into the bytes the format holds it
   * in (a chunk, segments), inserted at byte {@code at}; {@code wrappedLength} gives their length
   * for a store of a given length. The space is fixed first, then filled with the real hash.
   */
  static byte[] insert(
      byte[] file,
      int at,
      UnaryOperator<byte[]> wrap,
      IntToLongFunction wrappedLength,
      ManifestStoreWriter writer) {
    byte[] zeros = new byte[32];
    int length = writer.write(LABEL, assertion(0, 1, zeros)).length;
    // the exclusion's numbers are part of the store, and their CBOR length depends on them
    for (int i = 0; i < 8; i++) {
      int next =
          writer.write(LABEL, assertion(at, wrappedLength.applyAsLong(length), zeros)).length;
      if (next == length) break;
      length = next;
    }
    long excluded = wrappedLength.applyAsLong(length);
    byte[] placeholder =
        place(file, at, wrap.apply(writer.write(LABEL, assertion(at, excluded, zeros))));
    byte[] store = writer.write(LABEL, assertion(at, excluded, hash(placeholder, at, excluded)));
    if (store.length != length) {
      throw new IllegalStateException("C2PA store changed length while signing");
    }
    return place(file, at, wrap.apply(store));
  }

  private static byte[] place(byte[] file, int at, byte[] inserted) {
    byte[] out = new byte[file.length + inserted.length];
    System.arraycopy(file, 0, out, 0, at);
    System.arraycopy(inserted, 0, out, at, inserted.length);
    System.arraycopy(file, at, out, at + inserted.length, file.length - at);
    return out;
  }
}
