package dev.gpuhub.core.goodput.policy;

import java.util.Arrays;

/**
 * One job as {@link PolluxPolicy} scores it in one round: its replica bounds, its speedup (memoised
 * per round), the fair-share speedup it is measured against, its restart discount and where it
 * runs now.
 */
final class PolluxJob {
  /** A moved job never keeps less than this share of its speedup, so a job that holds nothing can always start. */
  static final double MIN_RESTART_FACTOR = 0.01;

  final JobState state;
  /** Fewest replicas when running (at least 1). */
  final int min;
  /** Most replicas; below {@link #min} when the job cannot run at all. */
  final int max;
  /** Replicas per node now (length = nodes of the cluster). */
  final int[] current;
  final int currentReplicas;
  final int currentNodes;
  /** Whether the current allocation can be kept as it is: on existing nodes, within bounds. */
  final boolean keepable;
  /** Whether part of the current allocation lies on nodes the cluster no longer has. */
  final boolean currentLost;
  /** Speedup of a moved job is multiplied by this. */
  final double restartFactor;

  private final SpeedupModel speedup;
  private final PolluxFitness fitness;
  private final int clusterNodes;
  private final double base;
  private final double[] memo;

  PolluxJob(JobState state, ClusterShape cluster, int fairReplicas, double now, double restartDelay,
            PolluxFitness fitness) {
    this.state = state;
    this.fitness = fitness;
    this.clusterNodes = cluster.nodes();
    int gpus = cluster.gpusPerNode();
    boolean known = state.speedup() != null;
    this.speedup = known ? state.speedup() : (nodes, replicas) -> replicas;
    this.min = Math.max(1, state.minReplicas());
    int cap = Math.min(state.maxReplicas(), cluster.totalGpus());
    // Unknown speedup: the artifact's "min 1 replica" for a job not profiled yet.
    this.max = known ? cap : Math.min(cap, min);

    current = new int[clusterNodes];
    boolean lost = false;
    boolean overfull = false;
    for (int node : state.current()) {
      if (node < 0 || node >= clusterNodes) {
        lost = true;
      } else if (++current[node] > cluster.capacity(node)) {
        overfull = true;
      }
    }
    currentLost = lost;
    currentReplicas = Arrays.stream(current).sum();
    currentNodes = (int) Arrays.stream(current).filter(c -> c > 0).count();
    keepable = !lost && !overfull && currentReplicas >= min && currentReplicas <= max;

    double age = Math.max(0.0, now - state.submitTime());
    double factor = restartDelay <= 0 ? 1.0
        : Math.max(age - state.restarts() * restartDelay, 0.0) / (age + restartDelay);
    restartFactor = Math.max(factor, MIN_RESTART_FACTOR);

    memo = new double[(Math.max(max, 0) + 1) * (clusterNodes + 1)];
    Arrays.fill(memo, Double.NaN);
    int fair = Math.max(1, Math.min(fairReplicas, Math.max(max, 1)));
    double fairSpeedup = raw(Math.min(clusterNodes, (fair + gpus - 1) / gpus), fair);
    base = fairSpeedup > 0 ? fairSpeedup : 1.0;
  }

  /** Whether the job may run on {@code replicas} GPUs (0 = paused, always allowed). */
  boolean allows(int replicas) {
    return replicas == 0 || (replicas >= min && replicas <= max);
  }

  /** Fitness contribution of running on {@code replicas} GPUs over {@code nodes} nodes; {@code changed}: not as now. */
  double score(int nodes, int replicas, boolean changed) {
    if (replicas == 0) return fitness.of(0.0);
    double normalised = speedup(nodes, replicas) / base;
    return fitness.of(changed ? normalised * restartFactor : normalised);
  }

  /** Fitness of the current allocation kept as it is. */
  double keepScore() {
    return score(currentNodes, currentReplicas, false);
  }

  /** The hook's speedup, memoised for this round; non-finite or negative answers count as 0. */
  double speedup(int nodes, int replicas) {
    if (replicas == 0) return 0.0;
    return raw(nodes, replicas);
  }

  private double raw(int nodes, int replicas) {
    if (replicas > max || nodes > clusterNodes) return sanitise(speedup.speedup(nodes, replicas));
    int index = replicas * (clusterNodes + 1) + nodes;
    double value = memo[index];
    if (Double.isNaN(value)) {
      value = sanitise(speedup.speedup(nodes, replicas));
      memo[index] = value;
    }
    return value;
  }

  private static double sanitise(double value) {
    return value > 0 && !Double.isInfinite(value) ? value : 0.0;
  }
}
