package dev.gpuhub.core.goodput;

import dev.gpuhub.core.goodput.policy.SpeedupModel;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A job's speedup (Pollux, SPEC §5): the best goodput on {@code replicas} GPUs over {@code nodes}
 * nodes divided by the best goodput on one GPU, both found by {@link GoodputFunction#optimize} under
 * the same batch limits. Whatever the goodput function measures (goodput, or throughput when
 * {@linkplain GoodputFunction#speedOnly() speed-only}) the speedup measures too.
 *
 * <p>Memoised: every (nodes, replicas) with {@code replicas <= memoReplicas} is computed once, on
 * first use, into a flat table, so repeated calls cost an array read. Larger allocations are
 * computed on every call. Safe for concurrent use.
 */
public final class SpeedupFunction implements SpeedupModel {
  /** Default largest replica count kept in the memo table (a 16 × 4 cluster). */
  public static final int DEFAULT_MEMO_REPLICAS = 64;
  private static final long UNSET = Double.doubleToRawLongBits(-1.0);

  private final GoodputFunction goodput;
  private final int maxBatchSize;
  private final AtomicBszRange range;
  private final boolean accumulation;
  private final double baseGoodput;
  private final int memoReplicas;
  /** Speedup of (n, r) at index r * (memoReplicas + 1) + n; -1 until computed. */
  private final AtomicLongArray memo;

  /** With the artifact's memo size for a 64-GPU cluster. */
  public SpeedupFunction(GoodputFunction goodput, int maxBatchSize, AtomicBszRange range, boolean accumulation) {
    this(goodput, maxBatchSize, range, accumulation, DEFAULT_MEMO_REPLICAS);
  }

  /**
   * @param goodput      the job's goodput function (speed-only for metric {@code speed})
   * @param maxBatchSize largest total batch size the job may use, &gt;= its initial batch size
   * @param range        atomic batch sizes a replica can run
   * @param accumulation whether the job may accumulate gradients to reach larger batches
   * @param memoReplicas largest replica count to memoise, &gt;= 1
   * @throws IllegalArgumentException when no configuration is valid on one GPU (the speedup would
   *                                  divide by zero): widen {@code range} or allow accumulation
   */
  public SpeedupFunction(GoodputFunction goodput, int maxBatchSize, AtomicBszRange range, boolean accumulation,
                         int memoReplicas) {
    this.goodput = Objects.requireNonNull(goodput, "goodput");
    this.range = Objects.requireNonNull(range, "range");
    this.maxBatchSize = maxBatchSize;
    this.accumulation = accumulation;
    if (memoReplicas < 1) throw new IllegalArgumentException("memoReplicas must be >= 1, was " + memoReplicas);
    this.memoReplicas = memoReplicas;
    this.baseGoodput = goodput.optimize(1, 1, maxBatchSize, range, accumulation).goodput();
    if (!(baseGoodput > 0)) {
      throw new IllegalArgumentException("no batch configuration is valid on one GPU with max batch " + maxBatchSize
          + ", atomic range " + range + ", accumulation " + accumulation + "; widen the range or allow accumulation");
    }
    int size = (memoReplicas + 1) * (memoReplicas + 1);
    this.memo = new AtomicLongArray(size);
    for (int i = 0; i < size; i++) memo.setPlain(i, UNSET);
  }

  /**
   * @return 0 for 0 replicas, else best goodput on (nodes, replicas) / best goodput on (1, 1)
   * @throws IllegalArgumentException unless {@code 1 <= nodes <= replicas} (or both are 0)
   */
  @Override
  public double speedup(int nodes, int replicas) {
    if (replicas == 0 && nodes == 0) return 0.0;
    if (nodes < 1 || nodes > replicas) {
      throw new IllegalArgumentException("need 1 <= nodes <= replicas, was nodes=" + nodes + " replicas=" + replicas);
    }
    if (replicas > memoReplicas) return compute(nodes, replicas);
    int index = replicas * (memoReplicas + 1) + nodes;
    long bits = memo.getAcquire(index);
    if (bits != UNSET) return Double.longBitsToDouble(bits);
    double value = compute(nodes, replicas);
    memo.setRelease(index, Double.doubleToRawLongBits(value));
    return value;
  }

  /** The batch configuration behind {@link #speedup} on that allocation (not memoised). */
  public BatchChoice best(int nodes, int replicas) {
    return goodput.optimize(nodes, replicas, maxBatchSize, range, accumulation);
  }

  /** Best goodput on one GPU, the denominator of every speedup. */
  public double baseGoodput() {
    return baseGoodput;
  }

  public GoodputFunction goodputFunction() {
    return goodput;
  }

  private double compute(int nodes, int replicas) {
    return best(nodes, replicas).goodput() / baseGoodput;
  }
}
