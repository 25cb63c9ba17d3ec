package dev.gpuhub.core.goodput.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The nodes a scheduling policy plans on, and the shape it sees of them ({@link #forPolicy}): every
 * node with usable GPUs, each with its own capacity, for a policy that plans uneven nodes; for one
 * that assumes equal nodes, the largest homogeneous part ({@link #largestEvenPart}): {@code t} GPUs
 * on each node with at least {@code t} usable, where {@code t} maximises {@code t × nodes} (ties: the
 * larger {@code t}, fewer and fuller nodes), nodes with fewer usable GPUs left out. Conservative
 * either way: a policy that plans on the result never puts more replicas on a node than it can
 * hold. Pure.
 *
 * @param nodes the chosen nodes, sorted (node index = position)
 * @param shape what the policy sees
 */
public record PlannedNodes<K extends Comparable<K>>(List<K> nodes, ClusterShape shape) {

  public PlannedNodes {
    nodes = List.copyOf(nodes);
  }

  /**
   * What {@code policy} plans on: every node with usable GPUs, each with its own capacity, for a
   * policy that {@link SchedulingPolicy#plansUnevenNodes() plans uneven nodes}; else {@link #largestEvenPart}.
   */
  public static <K extends Comparable<K>> PlannedNodes<K> forPolicy(Map<K, Integer> usable, SchedulingPolicy policy) {
    if (!policy.plansUnevenNodes()) return largestEvenPart(usable);
    java.util.TreeMap<K, Integer> kept = new java.util.TreeMap<>();
    usable.forEach((node, u) -> {
      if (u > 0) kept.put(node, u);
    });
    if (kept.isEmpty()) return largestEvenPart(usable);
    return new PlannedNodes<>(List.copyOf(kept.keySet()), ClusterShape.uneven(List.copyOf(kept.values())));
  }

  /**
   * The largest homogeneous part of {@code usable} (GPUs usable on each node; nodes with 0 or fewer
   * are ignored).
   */
  public static <K extends Comparable<K>> PlannedNodes<K> largestEvenPart(Map<K, Integer> usable) {
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
    return new PlannedNodes<>(chosen, new ClusterShape(chosen.size(), t));
  }
}
