package dev.gpuhub.sim.pollux;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Where a session's GPU comes from in a mixed simulation. Pure functions over per-node counts. */
final class GpuChoice {
  private GpuChoice() {}

  /** A job and the node one of its GPUs is taken from. */
  record Victim(String job, int node) {}

  /** GPUs each node's jobs use under {@code allocations}. */
  static int[] jobUse(int nodes, Map<String, List<Integer>> allocations) {
    int[] use = new int[nodes];
    for (List<Integer> alloc : allocations.values()) for (int n : alloc) use[n]++;
    return use;
  }

  /**
   * A node with a GPU neither sessions nor jobs hold, among {@code [from, to)}: the one with the most
   * session GPUs (sessions packed together leave the jobs evener nodes), then the fewest free GPUs,
   * then the lowest index; -1 when there is none.
   */
  static int freeNode(int gpusPerNode, int[] sessionHeld, int[] jobUse, int from, int to) {
    int best = -1;
    int bestFree = 0;
    for (int n = from; n < to; n++) {
      int free = gpusPerNode - sessionHeld[n] - jobUse[n];
      if (free <= 0) continue;
      if (best < 0 || sessionHeld[n] > sessionHeld[best] || (sessionHeld[n] == sessionHeld[best] && free < bestFree)) {
        best = n;
        bestFree = free;
      }
    }
    return best;
  }

  /**
   * The GPU interactive-first takes from a job: among {@code elastic} jobs (name to the fewest GPUs
   * it may run on) with more GPUs than that minimum, on the node with the most session GPUs, from
   * the job with the most GPUs (it loses the least), lowest node then map order on ties; null when
   * every job is at its minimum.
   */
  static Victim victim(Map<String, List<Integer>> allocations, Map<String, Integer> elastic, int[] sessionHeld) {
    Victim best = null;
    int bestSize = 0;
    for (Map.Entry<String, Integer> e : elastic.entrySet()) {
      List<Integer> alloc = allocations.getOrDefault(e.getKey(), List.of());
      if (alloc.size() <= Math.max(1, e.getValue())) continue;
      for (int n : alloc) {
        boolean better = best == null || sessionHeld[n] > sessionHeld[best.node()]
            || (sessionHeld[n] == sessionHeld[best.node()]
                && (alloc.size() > bestSize || (alloc.size() == bestSize && n < best.node())));
        if (better) {
          best = new Victim(e.getKey(), n);
          bestSize = alloc.size();
        }
      }
    }
    return best;
  }

  /** {@code alloc} without one replica on {@code node} (the last one there), order otherwise kept. */
  static List<Integer> without(List<Integer> alloc, int node) {
    List<Integer> out = new ArrayList<>(alloc);
    out.remove(out.lastIndexOf(node));
    return List.copyOf(out);
  }
}
