package dev.gpuhub.core.goodput.policy;

import java.util.List;
import java.util.Map;

/**
 * Turns jobs and a cluster into allocations, once per scheduling interval. An allocation lists the
 * node index (0 .. nodes-1) of each of a job's replicas, e.g. [0, 0, 1, 1] = 2 GPUs on node 0 and 2
 * on node 1; a job absent from the result (or with an empty list) is paused. Implementations are
 * pure (no I/O, no clock) and never give a node more replicas than it has GPUs.
 */
public interface SchedulingPolicy {
  /**
   * @param jobs     every job that has arrived and not finished
   * @param cluster  the cluster now
   * @param now      seconds on the caller's clock (same as {@link JobState#submitTime()})
   * @return job id to its allocation
   */
  Map<String, List<Integer>> allocate(List<JobState> jobs, ClusterShape cluster, double now);

  /**
   * Whether this policy honours each node's own {@link ClusterShape#capacity capacity}; callers give
   * the others homogeneous shapes only (e.g. {@link PlannedNodes}).
   */
  default boolean plansUnevenNodes() {
    return false;
  }
}
