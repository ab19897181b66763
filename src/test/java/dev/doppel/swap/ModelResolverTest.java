package dev.doppel.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doppel.DoppelException;
import dev.doppel.face.AlignmentTemplate;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shipped demo pair: its metadata, and picking a direction by prefix. */
class ModelResolverTest {
  @Test
  void shippedPairDescribesItself() {
    ModelInfo a2b = ModelInfo.read(Path.of("models/pair96-astronaut2hopper.onnx"));
    assertEquals(ModelKind.PAIR, a2b.kind());
    assertEquals(96, a2b.size());
    assertEquals(AlignmentTemplate.FACE, a2b.template());
    assertEquals("RGB", a2b.colourOrder());
    assertEquals("astronaut", a2b.source());
    assertEquals("hopper", a2b.target());
    assertEquals("a2b", a2b.metadata().get("doppel.direction"));
  }

  @Test
  void prefixAndDirectionPickTheFile() {
    assertEquals(
        "pair96-astronaut2hopper.onnx",
        ModelResolver.resolve(Path.of("models/pair96"), null).path().getFileName().toString());
    assertEquals(
        "pair96-hopper2astronaut.onnx",
        ModelResolver.resolve(Path.of("models/pair96"), "b2a").path().getFileName().toString());
    DoppelException wrong =
        assertThrows(
            DoppelException.class,
            () -> ModelResolver.resolve(Path.of("models/pair96-astronaut2hopper.onnx"), "b2a"));
    assertEquals(DoppelException.USAGE, wrong.exitCode());
    assertTrue(wrong.getMessage().contains("a2b graph"), wrong.getMessage());
    DoppelException missing =
        assertThrows(
            DoppelException.class,
            () -> ModelResolver.resolve(Path.of("models/nothing-here"), null));
    assertTrue(missing.getMessage().contains("models/nothing-here"), missing.getMessage());
  }

  @Test
  void aFileThatIsNotAModelIsRefused() {
    DoppelException e =
        assertThrows(DoppelException.class, () -> ModelInfo.read(Path.of("samples/clips.json")));
    assertTrue(e.getMessage().startsWith("cannot load model: samples/clips.json"), e.getMessage());
  }
}
