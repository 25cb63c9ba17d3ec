package dev.gpuhub.bench.placement;

import dev.gpuhub.core.allocation.PlacementPolicy;
import dev.gpuhub.core.placement.SelectionAlgorithm;
import java.util.LinkedHashMap;
import java.util.Map;

/** A way of deciding where a burst of notebooks goes: the seed's selector or the placement engine. */
public interface BurstVariant {
  /** Per-node cores and memory of the benchmark's request: a single-cpu notebook. */
  double CPU = 2;
  double MEMORY_GB = 2;

  /** The table's algorithm column, e.g. {@code seed round_robin}. */
  String name();

  /** Whether this is the placement engine (the targets apply to it). */
  boolean ours();

  /** Issues {@code burst} decisions at once from {@code threads} threads over the cluster's stale reports. */
  BurstResult run(BurstCluster cluster, int burst, int threads) throws Exception;

  static BurstVariant seed(SelectionAlgorithm algorithm) {
    return new SeedVariant(algorithm);
  }

  /** The placement engine with this policy, journalling to H2 ({@code durable}) or to nothing. */
  static BurstVariant ours(PlacementPolicy policy, boolean durable) {
    return new EngineVariant(policy, durable);
  }

  /** Every node of the cluster with 0 placements, in hostname order, to count into. */
  static Map<String, Integer> zeroCounts(BurstCluster cluster) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    cluster.reports().forEach(r -> counts.put(r.hostname(), 0));
    return counts;
  }
}
