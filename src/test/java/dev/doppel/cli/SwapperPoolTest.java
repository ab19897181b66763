package dev.doppel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.doppel.swap.SwapperPool;
import dev.doppel.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs of a batch borrow their pair model from the active pool: loaded once for consecutive jobs,
 * and the outputs are the bytes a job with its own model writes.
 */
class SwapperPoolTest {
  @TempDir Path dir;

  @Test
  void consecutiveJobsShareOneLoadedModelAndWriteTheSameBytes() throws Exception {
    Path clip = TestMedia.trim(TestMedia.sample("astronaut.mp4"), dir.resolve("in.mp4"), 8);
    Path alone = swap(clip, "alone.mp4");
    try (SwapperPool pool = new SwapperPool()) {
      SwapperPool.activate(pool);
      Path first = swap(clip, "first.mp4");
      Path second = swap(clip, "second.mp4");
      assertEquals(1, pool.loaded(), "one model for two jobs");
      assertArrayEquals(Files.readAllBytes(alone), Files.readAllBytes(first));
      assertArrayEquals(Files.readAllBytes(alone), Files.readAllBytes(second));
    }
    assertNull(SwapperPool.active(), "a closed pool is no longer lent from");
  }

  private Path swap(Path clip, String name) {
    Path out = dir.resolve(name);
    Cli r =
        Cli.run(
            "swap",
            clip.toString(),
            "-o",
            out.toString(),
            "--model",
            "models/pair96",
            "--no-label",
            "-q");
    assertEquals(0, r.exitCode(), r.err());
    return out;
  }
}
