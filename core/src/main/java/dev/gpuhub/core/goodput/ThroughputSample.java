package dev.gpuhub.core.goodput;

/**
 * One throughput observation of a job, as {@link ThroughputFitter} consumes it.
 *
 * @param nodes          physical nodes the replicas ran on, 1 .. replicas
 * @param replicas       replicas (GPUs), &gt;= 1
 * @param atomicBsz      samples per replica per forward/backward pass, &gt;= 1
 * @param accumStepTime  seconds of one forward/backward pass without sync (T_grad), &gt; 0
 * @param optimStepTime  seconds of one optimiser step, compute and sync together (T_optim), &gt; 0
 */
public record ThroughputSample(int nodes, int replicas, int atomicBsz, double accumStepTime, double optimStepTime) {
  /** A compute time never counts as less than this share of its step time (noisy sync timings). */
  public static final double MIN_COMPUTE_SHARE = 1e-3;

  public ThroughputSample {
    if (replicas < 1 || nodes < 1 || nodes > replicas) {
      throw new IllegalArgumentException("need 1 <= nodes <= replicas, was nodes=" + nodes + " replicas=" + replicas);
    }
    if (atomicBsz < 1) throw new IllegalArgumentException("atomic batch size must be >= 1, was " + atomicBsz);
    if (!(accumStepTime > 0) || Double.isInfinite(accumStepTime)) {
      throw new IllegalArgumentException("accumulation step time must be finite and > 0, was " + accumStepTime);
    }
    if (!(optimStepTime > 0) || Double.isInfinite(optimStepTime)) {
      throw new IllegalArgumentException("optimiser step time must be finite and > 0, was " + optimStepTime);
    }
  }

  /**
   * From a measured step time and the part of it spent in gradient sync (the artifact's trace
   * columns {@code step_time, sync_time}): compute time = step - sync, at least
   * {@link #MIN_COMPUTE_SHARE} of the step.
   */
  public static ThroughputSample ofStepAndSync(int nodes, int replicas, int localBsz, double stepTime, double syncTime) {
    double compute = Math.max(stepTime - Math.max(syncTime, 0.0), stepTime * MIN_COMPUTE_SHARE);
    return new ThroughputSample(nodes, replicas, localBsz, compute, stepTime);
  }
}
