package dev.gpuhub.bench.placement;

import java.util.Arrays;
import java.util.Map;

/**
 * One measured burst of one variant.
 *
 * @param variant       e.g. {@code seed round_robin}
 * @param ours          whether the variant is the placement engine (the targets apply to it)
 * @param burst         decisions issued
 * @param nodes         nodes in the cluster
 * @param nanos         every decision's latency (lock wait included), in issue order of completion
 * @param failures      decisions that placed nothing
 * @param placed        placements per hostname, every node listed (0 where none)
 * @param maxContainers every node's {@code max_containers}
 */
public record BurstResult(String variant, boolean ours, int burst, int nodes, long[] nanos, int failures,
                          Map<String, Integer> placed, int maxContainers) {

  /** The q-quantile (nearest rank) of the latencies, in ms. */
  public double quantileMs(double q) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    if (sorted.length == 0) return 0;
    int rank = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6;
  }

  public double p50Ms() {
    return quantileMs(0.50);
  }

  public double p99Ms() {
    return quantileMs(0.99);
  }

  public double maxMs() {
    return quantileMs(1.0);
  }

  /** Sum over nodes of the placements beyond the node's {@code max_containers}. */
  public int overbooked() {
    int over = 0;
    for (int n : placed.values()) over += Math.max(0, n - maxContainers);
    return over;
  }

  /** Most placements on one node minus fewest on one node (over every node of the cluster). */
  public int maxMinusMin() {
    int max = placed.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    int min = placed.values().stream().mapToInt(Integer::intValue).min().orElse(0);
    return max - min;
  }

  public int placedTotal() {
    return placed.values().stream().mapToInt(Integer::intValue).sum();
  }
}
