package dev.doppel.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Order, back-pressure and failure handling of the staged executor. */
class FramePipelineTest {
  /** An item that counts how often items were made and closed. */
  static final class Item implements AutoCloseable {
    static final AtomicInteger open = new AtomicInteger();
    final int index;
    final List<String> trail = new ArrayList<>();

    Item(int index) {
      this.index = index;
      open.incrementAndGet();
    }

    @Override
    public void close() {
      open.decrementAndGet();
    }
  }

  private static FramePipeline.Source<Item> counting(int n, AtomicInteger made) {
    return () -> made.get() < n ? new Item(made.getAndIncrement()) : null;
  }

  @Test
  void keepsOrderRunsEveryStageAndClosesEveryItem() {
    Item.open.set(0);
    AtomicInteger made = new AtomicInteger();
    List<Integer> seen = new ArrayList<>();
    List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
    new FramePipeline<Item>(
            counting(500, made),
            List.of(
                it -> {
                  it.trail.add("a");
                  threads.add(Thread.currentThread().getName());
                },
                it -> {
                  if (it.index % 7 == 0) Thread.sleep(1); // uneven stage times
                  it.trail.add("b");
                }),
            it -> {
              assertEquals(List.of("a", "b"), it.trail);
              seen.add(it.index);
            },
            3)
        .run();
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 500; i++) expected.add(i);
    assertEquals(expected, seen);
    assertEquals(0, Item.open.get(), "every item closed");
    assertTrue(threads.stream().allMatch(t -> t.equals("doppel-stage-1")), "stage on its thread");
  }

  /** Repeated: the race between a failure and items in the queues must never leak one. */
  @RepeatedTest(25)
  void aFailingStageStopsEverythingAndClosesItemsInFlight() {
    Item.open.set(0);
    AtomicInteger made = new AtomicInteger();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                new FramePipeline<Item>(
                        counting(10_000, made),
                        List.of(
                            it -> {
                              if (it.index == 50) throw new IllegalStateException("boom at 50");
                            }),
                        it -> {},
                        4)
                    .run());
    assertEquals("boom at 50", e.getMessage());
    assertTrue(made.get() < 100, "the source stopped early (bounded queues): " + made.get());
    assertEquals(0, Item.open.get(), "items in flight were closed");
  }

  @RepeatedTest(25)
  void aFailingSinkStopsTheStages() {
    Item.open.set(0);
    AtomicInteger made = new AtomicInteger();
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new FramePipeline<Item>(
                    counting(10_000, made),
                    List.of(it -> {}),
                    it -> {
                      if (it.index == 20) throw new IllegalArgumentException("sink");
                    },
                    4)
                .run());
    assertTrue(made.get() < 60, "made " + made.get());
    assertEquals(0, Item.open.get());
  }
}
