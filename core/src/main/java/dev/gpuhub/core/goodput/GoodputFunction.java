package dev.gpuhub.core.goodput;

import dev.gpuhub.core.goodput.policy.Metric;
import java.util.Objects;

/**
 * A job's goodput model (Pollux, SPEC §5): {@code GOODPUT = THROUGHPUT × EFFICIENCY}, and the search
 * for the batch configuration that maximises it on a given allocation. Immutable and thread-safe.
 *
 * <p>Matches the Pollux artifact ({@code simulator/goodput.py}): throughput counts every sample of an
 * optimiser step, {@code replicas × atomicBsz × (accumSteps + 1)}, over {@link PerfParams#stepTime};
 * efficiency is {@code (phi + m0) / (phi + m)} with {@code phi = m0 × var / sqr}; {@link #optimize}
 * tries 50 total batch sizes spaced geometrically and keeps the first best.
 *
 * <p>A {@linkplain #speedOnly() speed-only} function (metric {@code speed}) ignores efficiency:
 * {@link #evaluate} is plain throughput, so {@link #optimize} favours the largest batch the limits
 * allow.
 */
public final class GoodputFunction {
  /** How many total batch sizes {@link #optimize} tries between its smallest and largest. */
  public static final int CANDIDATES = 50;
  /** Tolerance of the ceiling operations, as in the artifact. */
  private static final double EPS = 1e-8;

  private final PerfParams perf;
  private final GradParams grad;
  private final int initBatchSize;
  private final boolean speedOnly;

  /**
   * @param initBatchSize m0, the batch size the job's hyper-parameters were tuned for, &gt;= 1
   */
  public GoodputFunction(PerfParams perf, GradParams grad, int initBatchSize) {
    this(perf, grad, initBatchSize, false);
  }

  private GoodputFunction(PerfParams perf, GradParams grad, int initBatchSize, boolean speedOnly) {
    this.perf = Objects.requireNonNull(perf, "perf");
    this.grad = Objects.requireNonNull(grad, "grad");
    if (initBatchSize < 1) throw new IllegalArgumentException("initial batch size must be >= 1, was " + initBatchSize);
    this.initBatchSize = initBatchSize;
    this.speedOnly = speedOnly;
  }

  /** The same model with statistical efficiency ignored (metric {@code speed}). */
  public GoodputFunction speedOnly() {
    return speedOnly ? this : new GoodputFunction(perf, grad, initBatchSize, true);
  }

  /** Speed-only for {@link Metric#SPEED}; this function for {@code default} and {@code cost}. */
  public GoodputFunction forMetric(Metric metric) {
    return metric == Metric.SPEED ? speedOnly() : this;
  }

  public boolean isSpeedOnly() {
    return speedOnly;
  }

  public PerfParams perfParams() {
    return perf;
  }

  public GradParams gradParams() {
    return grad;
  }

  public int initBatchSize() {
    return initBatchSize;
  }

  /** Samples per second: {@code replicas × atomicBsz × (accumSteps + 1) / T_step}. */
  public double throughput(int nodes, int replicas, int atomicBsz, int accumSteps) {
    double batchSize = (double) replicas * atomicBsz * (accumSteps + 1);
    return batchSize / perf.stepTime(nodes, replicas, atomicBsz, accumSteps);
  }

  /**
   * Statistical efficiency of a total batch size relative to m0: {@code (phi + m0) / (phi + m)},
   * in (0, 1] for {@code m >= m0}. As in the artifact: {@code sqr = 0} (pure noise) gives 1, and
   * {@code var = 0} (no noise) gives {@code m0 / m}, also when both are 0. Not affected by
   * {@link #speedOnly()}.
   */
  public double efficiency(double batchSize) {
    double scale = batchSize / initBatchSize;
    double denom = grad.var() / scale + grad.sqr();
    double gain = denom > 0 ? (grad.var() + grad.sqr()) / denom : 1.0;
    return gain / scale;
  }

  /** Goodput: throughput × efficiency, or throughput alone when speed-only. */
  public double evaluate(int nodes, int replicas, int atomicBsz, int accumSteps) {
    double throughput = throughput(nodes, replicas, atomicBsz, accumSteps);
    if (speedOnly) return throughput;
    return throughput * efficiency((double) replicas * atomicBsz * (accumSteps + 1));
  }

  /** {@link #optimize(int, int, int, AtomicBszRange, boolean)} with the artifact's defaults: max batch m0, any atomic size, no accumulation. */
  public BatchChoice optimize(int nodes, int replicas) {
    return optimize(nodes, replicas, initBatchSize, AtomicBszRange.upTo(initBatchSize), false);
  }

  /**
   * The batch configuration with the highest goodput on {@code replicas} GPUs over {@code nodes}
   * nodes. Tries {@value #CANDIDATES} total batch sizes from {@code max(m0, range.min × replicas)} to
   * {@code maxBatchSize}, geometrically spaced; splits each evenly over the replicas and, with
   * {@code accumulation}, into as few accumulation passes as keep the atomic batch within
   * {@code range.max} (a single replica above m0 always accumulates at least once, since its
   * gradient statistics need two micro-batches). Candidates whose atomic batch falls outside
   * {@code range} score 0; ties keep the smaller batch.
   *
   * <p>As in the artifact, when {@code range.min × replicas} exceeds {@code maxBatchSize} the
   * candidates run downwards from the former, so the first one still fits the range: callers
   * wanting a hard cap should bound replicas by {@code maxBatchSize / range.min}.
   *
   * @throws IllegalArgumentException unless {@code 1 <= nodes <= replicas} and {@code m0 <= maxBatchSize}
   */
  public BatchChoice optimize(int nodes, int replicas, int maxBatchSize, AtomicBszRange range,
                              boolean accumulation) {
    if (nodes < 1 || nodes > replicas) {
      throw new IllegalArgumentException("need 1 <= nodes <= replicas, was nodes=" + nodes + " replicas=" + replicas);
    }
    if (maxBatchSize < initBatchSize) {
      throw new IllegalArgumentException("max batch size " + maxBatchSize + " is below the initial batch size " + initBatchSize);
    }
    Objects.requireNonNull(range, "range");
    double smallest = Math.max(initBatchSize, (double) range.min() * replicas);
    double logStart = Math.log10(smallest);
    double logStep = (Math.log10(maxBatchSize) - logStart) / (CANDIDATES - 1);
    double bestGoodput = -1;
    int bestAtomic = 0;
    int bestAccum = 0;
    for (int i = 0; i < CANDIDATES; i++) {
      double batchSize = i == 0 ? smallest : i == CANDIDATES - 1 ? maxBatchSize : Math.pow(10, logStart + i * logStep);
      double localBsz = batchSize / replicas;
      int accumSteps = 0;
      if (accumulation) {
        accumSteps = (int) Math.ceil(localBsz / range.max() - EPS) - 1;
        if (replicas == 1 && localBsz > initBatchSize + EPS) accumSteps = Math.max(accumSteps, 1);
      }
      int atomicBsz = (int) Math.ceil(localBsz / (accumSteps + 1) - EPS);
      double goodput = range.contains(atomicBsz) ? evaluate(nodes, replicas, atomicBsz, accumSteps) : 0.0;
      if (goodput > bestGoodput) {
        bestGoodput = goodput;
        bestAtomic = atomicBsz;
        bestAccum = accumSteps;
      }
    }
    return new BatchChoice(bestGoodput, bestAtomic, bestAccum);
  }

  @Override
  public String toString() {
    return "GoodputFunction[" + perf + ", " + grad + ", m0=" + initBatchSize + (speedOnly ? ", speed-only" : "") + "]";
  }
}
