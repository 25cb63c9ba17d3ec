package dev.gpuhub.sim.pollux;

import dev.gpuhub.core.goodput.AtomicBszRange;
import dev.gpuhub.core.goodput.BatchChoice;
import dev.gpuhub.core.goodput.GoodputFunction;
import dev.gpuhub.core.goodput.GradParams;
import dev.gpuhub.core.goodput.PerfParams;
import dev.gpuhub.core.goodput.SpeedupFunction;
import dev.gpuhub.core.goodput.ThroughputFitter;
import dev.gpuhub.core.goodput.ThroughputSample;
import dev.gpuhub.core.goodput.policy.Metric;
import dev.gpuhub.core.goodput.policy.SpeedupModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Pollux job's self-knowledge, as in the artifact: the (step, sync) times observed on each
 * (nodes, replicas, atomic batch) it actually ran, with its throughput parameters refitted
 * ({@link ThroughputFitter}) whenever a new configuration shows up, and its gradient statistics at
 * its current progress. Its batch choice and its speedup use core's {@link GoodputFunction} (speed
 * only for metric {@code speed}).
 */
final class PolluxJobModel implements AdaptiveModel {
  private final Application app;
  private final Metric metric;
  private final AtomicBszRange range;
  private final Set<Long> seen = new HashSet<>();
  private final List<ThroughputSample> samples = new ArrayList<>();
  private int maxProfiledReplicas;
  private PerfParams perf;
  private GradParams grad;
  private GoodputFunction goodput;
  private SpeedupFunction speedup;

  PolluxJobModel(Application app, Metric metric) {
    this.app = app;
    this.metric = metric;
    this.range = new AtomicBszRange(app.minLocalBsz(), Math.max(app.minLocalBsz(), app.maxLocalBsz()));
  }

  @Override
  public void observe(int nodes, int replicas, int atomicBsz, double stepTime, double syncTime, double gradSqr,
                      double gradVar) {
    GradParams g = new GradParams(gradSqr, gradVar);
    boolean changed = !g.equals(grad);
    grad = g;
    long key = ((long) nodes << 42) | ((long) replicas << 21) | atomicBsz;
    if (seen.add(key)) {
      samples.add(ThroughputSample.ofStepAndSync(nodes, replicas, atomicBsz, stepTime, syncTime));
      maxProfiledReplicas = Math.max(maxProfiledReplicas, replicas);
      perf = ThroughputFitter.fit(samples);
      changed = true;
    }
    if (changed) goodput = new GoodputFunction(perf, grad, app.initBatchSize()).forMetric(metric);
  }

  @Override
  public boolean fitted() {
    return perf != null;
  }

  @Override
  public int[] choose(int nodes, int replicas) {
    BatchChoice c = goodput.optimize(nodes, replicas, app.maxBatchSize(), range, true);
    return new int[] {c.atomicBsz(), c.accumSteps()};
  }

  @Override
  public int maxProfiledReplicas() {
    return maxProfiledReplicas;
  }

  @Override
  public SpeedupModel speedup() {
    if (goodput == null) return null;
    // Rebuilt only when the goodput model changed (new fit or new gradient statistics).
    if (speedup == null || speedup.goodputFunction() != goodput) {
      speedup = new SpeedupFunction(goodput, app.maxBatchSize(), range, true);
    }
    return speedup;
  }
}
