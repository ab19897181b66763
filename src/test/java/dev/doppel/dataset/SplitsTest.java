package dev.doppel.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SplitsTest {
  static List<String> people(int n) {
    List<String> p = new ArrayList<>();
    for (int i = 0; i < n; i++) p.add(String.format("person%03d", i));
    return p;
  }

  @Test
  void splitsFollowTheRatiosAndTheSeedOnly() {
    double[] ratios = {0.7, 0.15, 0.15};
    Map<String, String> a = Splits.assign(people(100), ratios, 42);
    List<String> reversed = new ArrayList<>(people(100));
    java.util.Collections.reverse(reversed);
    assertEquals(a, Splits.assign(reversed, ratios, 42), "spec order does not matter");
    assertNotEquals(a, Splits.assign(people(100), ratios, 43), "the seed does");
    assertEquals(70, a.values().stream().filter("train"::equals).count());
    assertEquals(15, a.values().stream().filter("val"::equals).count());
    assertEquals(15, a.values().stream().filter("test"::equals).count());
  }

  @Test
  void pairsThatWouldLeakAnIdentityAreLeftOut() {
    Map<String, String> split = Splits.assign(people(20), new double[] {0.5, 0.25, 0.25}, 1);
    Map<String, String> identityOfClip = new java.util.HashMap<>();
    List<List<String>> pairs = new ArrayList<>();
    for (int i = 0; i < 20; i++) identityOfClip.put("clip" + i, String.format("person%03d", i));
    for (int i = 0; i < 20; i++) {
      for (int j = 0; j < 20; j++) if (i != j) pairs.add(List.of("clip" + i, "clip" + j));
    }
    Map<String, List<List<String>>> lists = Splits.pairLists(split, pairs, identityOfClip);
    Map<String, Set<String>> identitiesIn = new java.util.HashMap<>();
    lists.forEach(
        (s, ps) -> {
          Set<String> ids = new HashSet<>();
          ps.forEach(p -> p.forEach(c -> ids.add(identityOfClip.get(c))));
          identitiesIn.put(s, ids);
        });
    for (String s : Splits.NAMES) {
      for (String t : Splits.NAMES) {
        if (!s.equals(t)) {
          Set<String> both = new HashSet<>(identitiesIn.get(s));
          both.retainAll(identitiesIn.get(t));
          assertEquals(Set.of(), both, s + " and " + t + " share identities");
        }
      }
    }
    assertEquals(10 * 9 + 5 * 4 + 5 * 4, lists.values().stream().mapToInt(List::size).sum());
    String a = "person000";
    String other =
        split.entrySet().stream()
            .filter(e -> !e.getValue().equals(split.get(a)))
            .findFirst()
            .orElseThrow()
            .getKey();
    assertNull(Splits.ofPair(split, a, other));
  }
}
