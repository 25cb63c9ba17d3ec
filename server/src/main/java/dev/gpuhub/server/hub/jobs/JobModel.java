package dev.gpuhub.server.hub.jobs;

import dev.gpuhub.core.goodput.AtomicBszRange;
import dev.gpuhub.core.goodput.BatchChoice;
import dev.gpuhub.core.goodput.GoodputFunction;
import dev.gpuhub.core.goodput.GradParams;
import dev.gpuhub.core.goodput.PerfParams;
import dev.gpuhub.core.goodput.SpeedupFunction;
import dev.gpuhub.core.goodput.ThroughputFitter;
import dev.gpuhub.core.goodput.ThroughputSample;
import dev.gpuhub.core.goodput.policy.Metric;
import dev.gpuhub.store.JobSample;
import dev.gpuhub.store.JobStats;
import dev.gpuhub.store.TrainingJobRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A job's Pollux model, fitted from what it reported: throughput parameters from its per-
 * configuration samples ({@link ThroughputFitter}), gradient statistics from its latest report,
 * and the goodput and speedup functions over them. The largest total batch a job may use is
 * {@code initial_batch_size × max_gpus} (each replica may keep the initial batch); no gradient
 * accumulation.
 */
final class JobModel {
  /** Reports a job must have made before the scheduler trusts a model of it. */
  static final int MIN_REPORTS = 3;

  private final SpeedupFunction speedup;
  private final GoodputFunction goodput;

  private JobModel(SpeedupFunction speedup) {
    this.speedup = speedup;
    this.goodput = speedup.goodputFunction();
  }

  /** The model of the job, or empty while it has reported fewer than {@link #MIN_REPORTS} times. */
  static Optional<JobModel> of(TrainingJobRecord job) {
    JobStats last = job.lastReport();
    long reports = job.samples().stream().mapToLong(JobSample::count).sum();
    if (last == null || reports < MIN_REPORTS) return Optional.empty();
    List<ThroughputSample> samples = new ArrayList<>();
    for (JobSample s : job.samples()) {
      samples.add(ThroughputSample.ofStepAndSync(s.nodes(), s.replicas(), s.localBatch(), s.stepTime(), s.syncTime()));
    }
    PerfParams perf = ThroughputFitter.fit(samples);
    Metric metric = Metric.fromWireName(job.metric());
    GoodputFunction goodput = new GoodputFunction(perf, new GradParams(last.gradSqr(), last.gradVar()),
        job.initialBatchSize()).forMetric(metric);
    int maxBatch = (int) Math.min(Integer.MAX_VALUE, (long) job.initialBatchSize() * job.maxGpus());
    return Optional.of(new JobModel(new SpeedupFunction(goodput, maxBatch, AtomicBszRange.upTo(maxBatch), false)));
  }

  /** Speedup over one GPU by (nodes, replicas), as policies use it. */
  SpeedupFunction speedup() {
    return speedup;
  }

  /** The best batch configuration on this allocation. */
  BatchChoice best(int nodes, int replicas) {
    return speedup.best(nodes, replicas);
  }

  /** Predicted goodput (samples per second, efficiency-weighted unless metric speed) at the best batch. */
  double goodput(int nodes, int replicas) {
    return best(nodes, replicas).goodput();
  }

  /** Statistical efficiency of a total batch size. */
  double efficiency(double batchSize) {
    return goodput.efficiency(batchSize);
  }
}
