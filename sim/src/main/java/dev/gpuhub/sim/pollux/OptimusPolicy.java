package dev.gpuhub.sim.pollux;

import dev.gpuhub.core.goodput.policy.ClusterShape;
import dev.gpuhub.core.goodput.policy.JobState;
import dev.gpuhub.core.goodput.policy.RemainingTime;
import dev.gpuhub.core.goodput.policy.SchedulingPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Optimus (Peng et al., EuroSys'18) with an oracle, as the Pollux artifact runs it: every job gets
 * one GPU while there are GPUs (in job order), then the remaining GPUs go one at a time to the job
 * whose remaining time drops most with one more GPU ({@code remaining(r) - remaining(r + 1)}, from
 * the {@link JobState#remaining()} oracle; first job wins ties) until no GPU is left or no job
 * gains; a job never gets more than {@link JobState#maxReplicas()}. Jobs whose GPU count did not
 * change keep their GPUs; the others, fewest GPUs first, take every free GPU of the node with the
 * most free GPUs until they have enough. Batch sizes are the caller's business (fixed per job).
 * Stateless and thread-safe.
 */
public final class OptimusPolicy implements SchedulingPolicy {

  @Override
  public Map<String, List<Integer>> allocate(List<JobState> jobs, ClusterShape cluster, double now) {
    int numGpus = cluster.totalGpus();
    Map<String, Integer> replicas = new LinkedHashMap<>();
    Map<String, Double> gain = new LinkedHashMap<>();
    Map<String, JobState> byId = new HashMap<>();
    for (JobState j : jobs) {
      byId.put(j.id(), j);
      int min = 1;
      if (min > numGpus) {
        replicas.put(j.id(), 0);
        gain.put(j.id(), 0.0);
        continue;
      }
      replicas.put(j.id(), min);
      numGpus -= min;
      gain.put(j.id(), (min + 1 > j.maxReplicas() || numGpus < 1) ? 0.0 : marginal(j, min));
    }
    while (numGpus > 0) {
      String best = null;
      double bestGain = Double.NEGATIVE_INFINITY;
      for (Map.Entry<String, Double> e : gain.entrySet()) {
        if (e.getValue() > bestGain) {
          bestGain = e.getValue();
          best = e.getKey();
        }
      }
      if (best == null || !(bestGain > 0)) break;
      JobState j = byId.get(best);
      int r = replicas.merge(best, 1, Integer::sum);
      gain.put(best, (r + 1 > j.maxReplicas() || numGpus < 1) ? 0.0 : marginal(j, r));
      numGpus--;
    }
    Map<String, List<Integer>> allocations = new LinkedHashMap<>();
    for (JobState j : jobs) {
      if (!j.current().isEmpty() && j.current().size() == replicas.get(j.id())) {
        allocations.put(j.id(), new ArrayList<>(j.current()));
      }
    }
    int[] free = NodeFill.freeGpus(cluster, allocations);
    List<JobState> order = new ArrayList<>(jobs);
    order.sort(Comparator.comparingInt(j -> replicas.get(j.id())));
    for (JobState j : order) {
      int r = replicas.get(j.id());
      if (r > 0 && !allocations.containsKey(j.id())) allocations.put(j.id(), NodeFill.take(free, r));
    }
    return allocations;
  }

  /** Seconds saved by one more GPU: remaining(r) - remaining(r + 1); 0 without an oracle. */
  private static double marginal(JobState j, int r) {
    RemainingTime remaining = j.remaining();
    if (remaining == null) return 0.0;
    return remaining.seconds(r) - remaining.seconds(r + 1);
  }
}
