package dev.doppel.dataset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * Identity-disjoint train/val/test splits: identities (not clips) are shuffled with the dataset's
 * seed and cut by the ratios, so no person appears in two splits. A fake belongs to a split only
 * when its target and its source identity are both in it; a pair that straddles two splits is left
 * out (it would leak an identity) and reported.
 */
public final class Splits {
  public static final List<String> NAMES = List.of("train", "val", "test");

  private Splits() {}

  /**
   * @param ratios train, val, test shares (normalised here)
   * @return identity to split name, in the identities' sorted order
   */
  public static Map<String, String> assign(
      Iterable<String> identities, double[] ratios, long seed) {
    if (ratios.length != 3
        || ratios[0] < 0
        || ratios[1] < 0
        || ratios[2] < 0
        || ratios[0] + ratios[1] + ratios[2] <= 0) {
      throw new IllegalArgumentException("split ratios must be three non-negative numbers");
    }
    List<String> ids = new ArrayList<>(new TreeSet<String>(toList(identities)));
    Collections.shuffle(ids, new Random(seed)); // sorted first: the order of the spec is moot
    double total = ratios[0] + ratios[1] + ratios[2];
    int n = ids.size();
    int train = (int) Math.round(n * ratios[0] / total);
    int val = (int) Math.round(n * (ratios[0] + ratios[1]) / total) - train;
    Map<String, String> out = new java.util.TreeMap<>();
    for (int i = 0; i < n; i++) {
      out.put(ids.get(i), i < train ? "train" : i < train + val ? "val" : "test");
    }
    return out;
  }

  /** The split of a fake, or null when target and source identities are in different ones. */
  public static String ofPair(
      Map<String, String> split, String targetIdentity, String sourceIdentity) {
    String t = split.get(targetIdentity);
    return t != null && t.equals(split.get(sourceIdentity)) ? t : null;
  }

  /** FaceForensics++ pair lists: split name to [[target, source], ...] in the given order. */
  public static Map<String, List<List<String>>> pairLists(
      Map<String, String> split,
      List<List<String>> pairsOfClips,
      Map<String, String> identityOfClip) {
    Map<String, List<List<String>>> out = new LinkedHashMap<>();
    NAMES.forEach(s -> out.put(s, new ArrayList<>()));
    for (List<String> pair : pairsOfClips) {
      String s = ofPair(split, identityOfClip.get(pair.get(0)), identityOfClip.get(pair.get(1)));
      if (s != null) out.get(s).add(List.copyOf(pair));
    }
    return out;
  }

  private static List<String> toList(Iterable<String> it) {
    List<String> l = new ArrayList<>();
    it.forEach(l::add);
    return l;
  }
}
