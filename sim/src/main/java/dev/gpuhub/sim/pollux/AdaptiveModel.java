package dev.gpuhub.sim.pollux;

import dev.gpuhub.core.goodput.policy.SpeedupModel;

/**
 * What an adaptive (Pollux) job learns about itself as it runs: the throughput it observed on the
 * placements it actually ran on and its current gradient statistics, from which it picks its batch
 * configuration and reports its speedup to the scheduler.
 */
interface AdaptiveModel {
  /** One step's measurement; the model refits its throughput parameters on a new (nodes, replicas, atomic batch). */
  void observe(int nodes, int replicas, int atomicBsz, double stepTime, double syncTime, double gradSqr, double gradVar);

  /** Whether throughput parameters have been fitted (at least one observation). */
  boolean fitted();

  /** Best {atomic batch, accumulation steps} on (nodes, replicas); only when {@link #fitted()}. */
  int[] choose(int nodes, int replicas);

  /** Most replicas among the observed configurations (0 before any). */
  int maxProfiledReplicas();

  /** Speedup model for the scheduler; null before the first observation. */
  SpeedupModel speedup();
}
