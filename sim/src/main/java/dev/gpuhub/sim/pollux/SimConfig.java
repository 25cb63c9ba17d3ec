package dev.gpuhub.sim.pollux;

import dev.gpuhub.core.goodput.policy.Metric;
import java.util.Objects;

/**
 * One simulation's settings; the defaults are the artifact's (16 nodes × 4 GPUs, a scheduling
 * round every 60 s, 30 s without progress after each re-allocation).
 *
 * @param policy          which policy schedules
 * @param metric          Pollux jobs' metric option (ignored by the baselines)
 * @param nodes           nodes in the cluster, &gt;= 1
 * @param gpusPerNode     GPUs per node, 1..4 (the traces measured at most 4 per node)
 * @param interval        seconds between scheduling rounds, &gt;= 1
 * @param restartPenalty  seconds without progress after a re-allocation, &gt;= 0
 * @param maxSimSeconds   give up (with an error) when the simulated clock passes this
 */
public record SimConfig(PolicyKind policy, Metric metric, int nodes, int gpusPerNode, int interval,
                        double restartPenalty, double maxSimSeconds) {
  public static final int DEFAULT_NODES = 16;
  public static final int DEFAULT_GPUS_PER_NODE = 4;
  public static final int DEFAULT_INTERVAL = 60;
  /** A year: no workload of the artifact comes close; a run this long means a job can never be scheduled. */
  public static final double DEFAULT_MAX_SIM_SECONDS = 365 * 86400.0;

  public SimConfig {
    Objects.requireNonNull(policy, "policy");
    metric = metric == null ? Metric.DEFAULT : metric;
    if (nodes < 1) throw new IllegalArgumentException("--nodes must be >= 1, was " + nodes);
    if (gpusPerNode < 1 || gpusPerNode > 4) {
      throw new IllegalArgumentException("--gpus-per-node must be 1..4 (the traces measured up to 4 GPUs per node), was "
          + gpusPerNode);
    }
    if (interval < 1) throw new IllegalArgumentException("--interval must be >= 1 second, was " + interval);
    if (!(restartPenalty >= 0)) throw new IllegalArgumentException("restart penalty must be >= 0, was " + restartPenalty);
    if (!(maxSimSeconds > 0)) throw new IllegalArgumentException("max simulated time must be > 0");
  }

  public static SimConfig of(PolicyKind policy, Metric metric) {
    return new SimConfig(policy, metric, DEFAULT_NODES, DEFAULT_GPUS_PER_NODE, DEFAULT_INTERVAL,
        SimJob.DEFAULT_RESTART_PENALTY, DEFAULT_MAX_SIM_SECONDS);
  }

  public SimConfig withCluster(int nodes, int gpusPerNode, int interval) {
    return new SimConfig(policy, metric, nodes, gpusPerNode, interval, restartPenalty, maxSimSeconds);
  }

  public int totalGpus() {
    return nodes * gpusPerNode;
  }
}
