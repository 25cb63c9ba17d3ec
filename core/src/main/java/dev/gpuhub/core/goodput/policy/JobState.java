package dev.gpuhub.core.goodput.policy;

import java.util.List;
import java.util.Objects;

/**
 * One job as a scheduling policy sees it at a scheduling round.
 *
 * @param id                 unique job id
 * @param submitTime         when it arrived, in seconds on the caller's clock
 * @param fixedReplicas      GPUs the user asked for (non-adaptive baselines use exactly this)
 * @param minReplicas        fewest GPUs it may run on (1 when it may run on one)
 * @param maxReplicas        most GPUs it may use
 * @param attainedService    GPU-seconds it has received so far (Tiresias' 2D attained service)
 * @param restarts           how many times it was re-allocated so far
 * @param current            its allocation now: the node index of each replica, empty when paused
 * @param speedup            speedup over one GPU by (nodes, replicas); null when unknown (not profiled yet).
 *                           It must already reflect {@code metric}: throughput-only for {@link Metric#SPEED}
 * @param remaining          oracle remaining time by replicas (Optimus); null when unknown
 * @param metric             its metric option
 */
public record JobState(String id, double submitTime, int fixedReplicas, int minReplicas, int maxReplicas,
                       double attainedService, int restarts, List<Integer> current, SpeedupModel speedup,
                       RemainingTime remaining, Metric metric) {
  public JobState {
    Objects.requireNonNull(id, "id");
    current = current == null ? List.of() : List.copyOf(current);
    metric = metric == null ? Metric.DEFAULT : metric;
  }
}
