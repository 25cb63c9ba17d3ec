package dev.gpuhub.sim.pollux;

import dev.gpuhub.core.goodput.policy.ClusterShape;
import dev.gpuhub.core.goodput.policy.JobState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The baselines' placement (as in the artifact): free GPUs per node, and "take every free GPU of
 * the node with the most free GPUs (lowest index on ties), repeat until the job has enough".
 */
final class NodeFill {
  private NodeFill() {}

  static int[] freeGpus(ClusterShape cluster, Map<String, List<Integer>> allocations) {
    int[] free = new int[cluster.nodes()];
    Arrays.fill(free, cluster.gpusPerNode());
    for (List<Integer> alloc : allocations.values()) {
      for (int node : alloc) {
        if (node >= 0 && node < free.length) free[node]--;
      }
    }
    return free;
  }

  /** Takes {@code replicas} GPUs from {@code free} (which it updates); the caller checks there are enough. */
  static List<Integer> take(int[] free, int replicas) {
    List<Integer> alloc = new ArrayList<>(replicas);
    while (alloc.size() < replicas) {
      int best = -1;
      for (int n = 0; n < free.length; n++) {
        if (free[n] > 0 && (best < 0 || free[n] > free[best])) best = n;
      }
      if (best < 0) throw new IllegalStateException("not enough free GPUs for " + replicas + " replicas");
      int num = Math.min(free[best], replicas - alloc.size());
      for (int i = 0; i < num; i++) alloc.add(best);
      free[best] -= num;
    }
    return alloc;
  }

  /** The jobs' current allocations, keyed by id (empty ones left out). */
  static Map<String, List<Integer>> current(List<JobState> jobs) {
    Map<String, List<Integer>> out = new LinkedHashMap<>();
    for (JobState j : jobs) {
      if (!j.current().isEmpty()) out.put(j.id(), new ArrayList<>(j.current()));
    }
    return out;
  }
}
