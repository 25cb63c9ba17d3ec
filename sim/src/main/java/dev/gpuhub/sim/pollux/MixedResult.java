package dev.gpuhub.sim.pollux;

import dev.gpuhub.sim.interactive.Percentiles;
import java.util.List;

/**
 * The outcome of one mixed simulation (training jobs plus interactive sessions).
 *
 * @param jobs               the training jobs' result (JCTs of the workload's jobs only)
 * @param waits              seconds from each GPU request to its grant; requests still waiting when
 *                           their session or the simulation ended count with the wait so far
 * @param sessions           sessions that arrived before the end
 * @param cutOff             of those, still holding or waiting for a GPU at the end
 * @param reclaims           GPUs taken back from sessions idle for the idle limit
 * @param preemptions        GPUs taken from jobs for sessions
 * @param jobGpuSeconds      GPU-seconds jobs ran on (re-allocation pauses excluded)
 * @param activeGpuSeconds   GPU-seconds sessions held their GPU in an active phase
 * @param idleGpuSeconds     GPU-seconds sessions held their GPU in an idle phase
 * @param strandedGpuSeconds GPU-seconds (counted per round, while jobs were waiting or running) of
 *                           GPUs no session held that the jobs' plan could not use: outside the
 *                           largest even part of the nodes the policy plans on
 * @param totalGpus          GPUs in the cluster
 */
public record MixedResult(SimulationResult jobs, List<Double> waits, int sessions, int cutOff, int reclaims,
                          int preemptions, double jobGpuSeconds, double activeGpuSeconds, double idleGpuSeconds,
                          double strandedGpuSeconds, int totalGpus) {
  public MixedResult {
    waits = List.copyOf(waits);
  }

  /** Simulated span: to the last job's completion round. */
  public double span() {
    return jobs.simulatedSeconds();
  }

  public double averageJct() {
    return jobs.averageJct();
  }

  /** GPU requests (first ones plus re-requests after a reclaim). */
  public int requests() {
    return waits.size();
  }

  /** Nearest-rank percentile of the waits, seconds (0 without requests). */
  public double waitPercentile(double p) {
    return Percentiles.of(waits, p);
  }

  public double maxWait() {
    return Percentiles.of(waits, 100);
  }

  /** Useful GPU-time (jobs running plus sessions active) over all GPU-time of the span, in percent. */
  public double utilisationPercent() {
    double total = totalGpus * span();
    return total > 0 ? 100 * (jobGpuSeconds + activeGpuSeconds) / total : 0;
  }

  public double idleHeldGpuHours() {
    return idleGpuSeconds / 3600;
  }

  public double strandedGpuHours() {
    return strandedGpuSeconds / 3600;
  }
}
