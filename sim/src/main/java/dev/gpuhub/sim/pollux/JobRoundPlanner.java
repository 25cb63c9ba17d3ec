package dev.gpuhub.sim.pollux;

import dev.gpuhub.core.goodput.policy.ClusterShape;
import dev.gpuhub.core.goodput.policy.JobState;
import dev.gpuhub.core.goodput.policy.PlannedNodes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One round of the mixed simulator's job planning: the simulator's policy plans the active jobs on
 * the GPUs sessions leave, seen through {@link PlannedNodes#forPolicy} (Pollux every node
 * within its free GPUs; policies that assume equal nodes the largest even part). A job whose
 * allocation does not fit that view as it is is shown to the policy as paused.
 */
final class JobRoundPlanner {
  /**
   * A round's plan.
   *
   * @param allocations job name to the nodes of its replicas, in the cluster's node indices
   * @param stranded    GPUs sessions left free that the policy could not see this round
   */
  record Plan(Map<String, List<Integer>> allocations, int stranded) {}

  private final Simulator base;

  JobRoundPlanner(Simulator base) {
    this.base = base;
  }

  /**
   * Plans {@code active} (each with its {@code current} allocation) on {@code usable} (node index
   * to free GPUs) at time {@code t}.
   *
   * @throws IllegalStateException when the policy allocates to an unknown job or beyond a node's free GPUs
   */
  Plan plan(List<SimJob> active, Map<String, List<Integer>> current, Map<Integer, Integer> usable, double t) {
    PlannedNodes<Integer> part = PlannedNodes.forPolicy(usable, base.policy());
    ClusterShape shape = part.shape();
    int stranded = usable.values().stream().mapToInt(Integer::intValue).sum() - shape.totalGpus();
    int maxNode = usable.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
    int[] toPart = new int[maxNode + 1];
    Arrays.fill(toPart, -1);
    for (int i = 0; i < part.nodes().size(); i++) toPart[part.nodes().get(i)] = i;
    List<JobState> states = new ArrayList<>();
    Map<String, SimJob> byName = new HashMap<>();
    for (SimJob job : active) {
      JobState s = base.stateOf(job);
      List<Integer> mine = inPart(current.getOrDefault(job.name(), List.of()), toPart, shape);
      states.add(new JobState(s.id(), s.submitTime(), s.fixedReplicas(), s.minReplicas(), s.maxReplicas(),
          s.attainedService(), s.restarts(), mine, s.speedup(), s.remaining(), s.metric()));
      byName.put(job.name(), job);
    }
    Map<String, List<Integer>> next = base.policy().allocate(states, shape, t);
    Map<String, List<Integer>> out = new LinkedHashMap<>();
    int[] used = new int[shape.nodes()];
    for (Map.Entry<String, List<Integer>> e : next.entrySet()) {
      List<Integer> alloc = e.getValue() == null ? List.of() : e.getValue();
      if (alloc.isEmpty()) continue;
      if (!byName.containsKey(e.getKey())) {
        throw new IllegalStateException("policy allocated GPUs to " + e.getKey() + ", which is not an active job");
      }
      List<Integer> real = new ArrayList<>(alloc.size());
      for (int i : alloc) {
        if (i < 0 || i >= shape.nodes() || ++used[i] > shape.capacity(i)) {
          throw new IllegalStateException("policy placed " + e.getKey() + " outside the " + shape.totalGpus()
              + " GPUs sessions left on " + shape.nodes() + " nodes");
        }
        real.add(part.nodes().get(i));
      }
      out.put(e.getKey(), List.copyOf(real));
    }
    return new Plan(out, stranded);
  }

  /** {@code alloc} in the part's node indices, or empty when it does not fit there as it is. */
  private static List<Integer> inPart(List<Integer> alloc, int[] toPart, ClusterShape shape) {
    List<Integer> out = new ArrayList<>(alloc.size());
    Map<Integer, Integer> count = new HashMap<>();
    for (int n : alloc) {
      int i = n < toPart.length ? toPart[n] : -1;
      if (i < 0 || count.merge(i, 1, Integer::sum) > shape.capacity(i)) return List.of();
      out.add(i);
    }
    return out;
  }
}
