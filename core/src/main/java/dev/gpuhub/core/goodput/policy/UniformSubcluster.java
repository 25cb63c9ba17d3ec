package dev.gpuhub.core.goodput.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The largest homogeneous part of an uneven cluster, for policies that assume equal nodes
 * ({@link ClusterShape}): {@code t} GPUs on each node with at least {@code t} usable, where
 * {@code t} maximises {@code t × nodes} (ties: the larger {@code t}, fewer and fuller nodes). Nodes
 * with fewer usable GPUs are left out. Conservative: a policy that plans on the result never puts
 * more replicas on a node than it can hold. Pure.
 *
 * @param nodes the chosen nodes, sorted (node index = position)
 * @param shape what the policy sees
 */
public record UniformSubcluster<K extends Comparable<K>>(List<K> nodes, ClusterShape shape) {

  public UniformSubcluster {
    nodes = List.copyOf(nodes);
  }

  /**
   * What {@code policy} plans on: every node with usable GPUs, each with its own capacity, for a
   * policy that {@link SchedulingPolicy#plansUnevenNodes() plans uneven nodes}; else {@link #of}.
   * (The name says uniform: for the first kind the shape is uniform only when the nodes are.)
   */
  public static <K extends Comparable<K>> UniformSubcluster<K> forPolicy(Map<K, Integer> usable, SchedulingPolicy policy) {
    if (!policy.plansUnevenNodes()) return of(usable);
    java.util.TreeMap<K, Integer> kept = new java.util.TreeMap<>();
    usable.forEach((node, u) -> {
      if (u > 0) kept.put(node, u);
    });
    if (kept.isEmpty()) return of(usable);
    return new UniformSubcluster<>(List.copyOf(kept.keySet()), ClusterShape.uneven(List.copyOf(kept.values())));
  }

  /**
   * @param usable GPUs usable on each node; nodes with 0 or fewer are ignored
   */
  public static <K extends Comparable<K>> UniformSubcluster<K> of(Map<K, Integer> usable) {
    int bestT = 1;
    int bestTotal = 0;
    for (int t : new TreeSet<>(usable.values())) {
      if (t < 1) continue;
      int count = (int) usable.values().stream().filter(u -> u >= t).count();
      if (t * count >= bestTotal) {
        bestTotal = t * count;
        bestT = t;
      }
    }
    int t = bestT;
    List<K> chosen = new ArrayList<>();
    usable.forEach((node, u) -> {
      if (u >= t) chosen.add(node);
    });
    Collections.sort(chosen);
    return new UniformSubcluster<>(chosen, new ClusterShape(chosen.size(), t));
  }
}
