package dev.gpuhub.core.allocation;

import dev.gpuhub.core.placement.SelectionAlgorithm;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How nodes are chosen among those with room, per profile. {@link #SPREAD} and {@link #PACK} score
 * nodes on allocations (Kubernetes' LeastAllocated and MostAllocated: the mean over cpu, memory
 * and, on GPU nodes, GPUs of the free or used share after this request), ties broken by the seed
 * load score; the rest are the seed's algorithms over nodes ranked by load score.
 */
public enum PlacementPolicy {
  /** Most free share first (the default for notebooks). */
  SPREAD("spread", null),
  /** Least free share first: fill nodes before using new ones. */
  PACK("pack", null),
  ROUND_ROBIN("round_robin", SelectionAlgorithm.ROUND_ROBIN),
  LEAST_CONNECTIONS("least_connections", SelectionAlgorithm.LEAST_CONNECTIONS),
  WEIGHTED_ROUND_ROBIN("weighted_round_robin", SelectionAlgorithm.WEIGHTED_ROUND_ROBIN),
  BEST_FIT("best_fit", SelectionAlgorithm.BEST_FIT),
  RANDOM("random", SelectionAlgorithm.RANDOM);

  /** The policy a profile without one gets. */
  public static final PlacementPolicy DEFAULT = SPREAD;

  private final String wireName;
  private final SelectionAlgorithm seedAlgorithm;

  PlacementPolicy(String wireName, SelectionAlgorithm seedAlgorithm) {
    this.wireName = wireName;
    this.seedAlgorithm = seedAlgorithm;
  }

  public String wireName() {
    return wireName;
  }

  /** The seed algorithm this policy runs, or null for the allocation-scored ones. */
  public SelectionAlgorithm seedAlgorithm() {
    return seedAlgorithm;
  }

  /**
   * The policy with this wire name; null or blank gives {@link #DEFAULT}.
   *
   * @throws IllegalArgumentException naming the accepted values when {@code name} is unknown
   */
  public static PlacementPolicy fromWireName(String name) {
    if (name == null || name.isBlank()) return DEFAULT;
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (PlacementPolicy p : values()) {
      if (p.wireName.equals(wanted)) return p;
    }
    throw new IllegalArgumentException("unknown placement policy '" + name + "'; use one of " + names());
  }

  /** The policy that runs a seed algorithm. */
  public static PlacementPolicy of(SelectionAlgorithm algorithm) {
    for (PlacementPolicy p : values()) {
      if (p.seedAlgorithm == algorithm) return p;
    }
    throw new IllegalArgumentException("no policy for " + algorithm);
  }

  /** Comma-separated wire names, for error messages. */
  public static String names() {
    return Arrays.stream(values()).map(PlacementPolicy::wireName).collect(Collectors.joining(", "));
  }
}
