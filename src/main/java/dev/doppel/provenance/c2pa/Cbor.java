package dev.doppel.provenance.c2pa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** CBOR through Jackson: C2PA claims and assertions as trees, COSE structures by hand. */
final class Cbor {
  private Cbor() {}

  static final CBORMapper MAPPER = new CBORMapper();

  static ObjectNode map() {
    return MAPPER.createObjectNode();
  }

  static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode read(byte[] bytes) {
    try {
      return MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("not CBOR: " + e.getMessage(), e);
    }
  }

  /** Writes with the streaming generator (integer map keys, tags). */
  static byte[] write(GeneratorBody body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CBORGenerator g = MAPPER.getFactory().createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  interface GeneratorBody {
    void write(CBORGenerator g) throws IOException;
  }
}
