package dev.gpuhub.sim.pollux;

import java.util.List;

/**
 * One simulated training job (the artifact's {@code Job}): its allocation, batch configuration and
 * progress, advanced second-accurately by {@link #step}. Not thread-safe.
 */
final class SimJob {
  /** Seconds of no progress after every (re-)allocation. */
  static final double DEFAULT_RESTART_PENALTY = 30;
  private static final double EPS = 1e-8;

  final WorkloadJob spec;
  final Application app;
  /** Fixed GPU count (Tiresias) or null. */
  final Integer targetReplicas;
  /** Fixed total batch size (Tiresias, Optimus, Pollux's ncf) or null (adaptive). */
  final Integer targetBatch;
  /** Learns throughput/gradient statistics as it runs (Pollux) or null. */
  final AdaptiveModel model;
  private final double restartPenalty;

  double currentTime;
  double rescaleTime;
  int[] placement = new int[0];
  List<Integer> allocation = List.of();
  int atomicBsz;
  int accumSteps;
  int epoch;
  double progress;
  Double completionTime;
  double attainedService;
  /** -1 before the first allocation (the artifact's None), then re-allocations so far. */
  int restarts = -1;

  SimJob(WorkloadJob spec, Application app, Integer targetReplicas, Integer targetBatch, AdaptiveModel model,
         double restartPenalty) {
    this.spec = spec;
    this.app = app;
    this.targetReplicas = targetReplicas;
    this.targetBatch = targetBatch;
    this.model = model;
    this.restartPenalty = restartPenalty;
  }

  String name() {
    return spec.name();
  }

  boolean done() {
    return completionTime != null;
  }

  int gpus() {
    int n = 0;
    for (int g : placement) n += g;
    return n;
  }

  static int nodes(int[] placement) {
    int n = 0;
    for (int g : placement) if (g > 0) n++;
    return n;
  }

  /** Total batch size of one optimiser step now. */
  long batchSize() {
    return (long) gpus() * atomicBsz * (accumSteps + 1);
  }

  /** Picks the atomic batch and accumulation steps for {@code placement} (the artifact's update_local_bsz). */
  void updateLocalBsz(int[] placement) {
    int nodes = nodes(placement);
    int replicas = 0;
    for (int g : placement) replicas += g;
    if (replicas == 0) return;
    Integer batch = targetBatch;
    if (batch == null && (model == null || !model.fitted())) {
      batch = Math.max(app.initBatchSize(), app.minLocalBsz() * replicas);
    }
    if (batch == null) {
      int[] choice = model.choose(nodes, replicas);
      atomicBsz = choice[0];
      accumSteps = choice[1];
    } else {
      int localBsz = (int) Math.ceil((double) batch / replicas - EPS);
      accumSteps = (int) Math.ceil((double) localBsz / app.maxLocalBsz() - EPS) - 1;
      if (replicas == 1 && batch > app.initBatchSize()) accumSteps = Math.max(1, accumSteps);
      atomicBsz = (int) Math.ceil((double) localBsz / (accumSteps + 1) - EPS);
    }
    int count = replicas * (accumSteps + 1);
    atomicBsz = Math.min(atomicBsz, (int) ((double) app.maxBatchSize() / count));
  }

  /** Advances this job by {@code seconds} of simulated time. */
  void step(double seconds) {
    if (placement.length == 0) {
      currentTime += seconds;
      return;
    }
    int gpus = gpus();
    double delay = Math.min(rescaleTime, seconds);
    currentTime += delay;
    attainedService += delay * gpus;
    rescaleTime -= delay;
    seconds -= delay;
    int nodes = nodes(placement);
    while (seconds > 0 && completionTime == null) {
      double batchSize = (double) gpus * atomicBsz * (accumSteps + 1);
      double scale = batchSize / app.initBatchSize();
      double[] t = app.throughput(placement, atomicBsz);
      double stepTime = t[0];
      double syncTime = t[1];
      double accumTime = stepTime - syncTime;
      double[] grad = app.gradStats(batchSize, epoch);
      double gain = (grad[1] + grad[0]) / (grad[1] / scale + grad[0]);
      if (model != null) model.observe(nodes, gpus, atomicBsz, stepTime, syncTime, grad[0], grad[1]);
      double totalTime = stepTime + accumTime * accumSteps;
      double goodput = gain / totalTime;
      double nextProgress = app.progressAt(epoch + 1);
      if (progress + goodput * seconds < nextProgress) {
        progress += goodput * seconds;
        currentTime += seconds;
        attainedService += seconds * gpus;
        seconds = 0;
      } else {
        epoch++;
        double delta = Math.rint((nextProgress - progress) / goodput);
        delta = Math.min(delta, seconds);
        if (epoch >= app.maxEpochs()) completionTime = currentTime + delta;
        progress = nextProgress;
        currentTime += delta;
        attainedService += delta * gpus;
        seconds -= delta;
      }
      updateLocalBsz(placement);
    }
    currentTime += seconds;
  }

  /**
   * Moves the job to {@code allocation} (node index per replica; empty = pause). A non-empty one
   * starts the restart countdown.
   */
  void reallocate(List<Integer> allocation) {
    this.allocation = List.copyOf(allocation);
    if (!allocation.isEmpty()) {
      placement = placementOf(allocation);
      updateLocalBsz(placement);
      rescaleTime = restartPenalty;
      restarts++;
    } else {
      placement = new int[0];
      atomicBsz = 0;
    }
  }

  /** GPUs per node in order of appearance: runs of the same node index count together. */
  static int[] placementOf(List<Integer> allocation) {
    int[] runs = new int[allocation.size()];
    int n = 0;
    for (int i = 0; i < allocation.size(); i++) {
      if (i == 0 || !allocation.get(i).equals(allocation.get(i - 1))) runs[n++] = 1;
      else runs[n - 1]++;
    }
    int[] out = new int[n];
    System.arraycopy(runs, 0, out, 0, n);
    return out;
  }
}
