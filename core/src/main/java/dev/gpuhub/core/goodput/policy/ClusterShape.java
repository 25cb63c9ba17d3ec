package dev.gpuhub.core.goodput.policy;

import java.util.List;

/**
 * A GPU cluster as policies see it: {@code nodes} nodes of up to {@code gpusPerNode} GPUs each. Node
 * {@code x} holds {@link #capacity(int) capacity(x)} GPUs: {@code gpusPerNode} on a homogeneous
 * cluster ({@code capacities} null), or what {@code capacities} says on an uneven one
 * ({@link #uneven}), e.g. the GPUs interactive sessions leave on each node. Only policies that
 * {@link SchedulingPolicy#plansUnevenNodes() plan uneven nodes} are given uneven shapes.
 *
 * @param capacities GPUs of each node, or null when every node has {@code gpusPerNode}
 */
public record ClusterShape(int nodes, int gpusPerNode, List<Integer> capacities) {
  public ClusterShape {
    if (nodes < 0 || gpusPerNode < 1) throw new IllegalArgumentException("need nodes >= 0 and gpus per node >= 1");
    if (capacities != null) {
      capacities = List.copyOf(capacities);
      if (capacities.size() != nodes) {
        throw new IllegalArgumentException("need one capacity per node: " + capacities.size() + " for " + nodes + " nodes");
      }
      for (int c : capacities) {
        if (c < 0 || c > gpusPerNode) throw new IllegalArgumentException("a node's capacity must be 0.." + gpusPerNode + ", not " + c);
      }
    }
  }

  /** A homogeneous cluster: {@code nodes} × {@code gpusPerNode}. */
  public ClusterShape(int nodes, int gpusPerNode) {
    this(nodes, gpusPerNode, null);
  }

  /**
   * A cluster whose node {@code x} holds {@code capacities.get(x)} GPUs; homogeneous (no capacity
   * list) when they are all equal. Needs at least one GPU.
   */
  public static ClusterShape uneven(List<Integer> capacities) {
    int max = capacities.stream().mapToInt(Integer::intValue).max().orElse(0);
    if (max < 1) throw new IllegalArgumentException("an uneven cluster needs a GPU");
    boolean even = capacities.stream().allMatch(c -> c == max);
    return new ClusterShape(capacities.size(), max, even ? null : capacities);
  }

  /** GPUs on node {@code x}. */
  public int capacity(int x) {
    return capacities == null ? gpusPerNode : capacities.get(x);
  }

  public int totalGpus() {
    if (capacities == null) return nodes * gpusPerNode;
    int sum = 0;
    for (int c : capacities) sum += c;
    return sum;
  }
}
