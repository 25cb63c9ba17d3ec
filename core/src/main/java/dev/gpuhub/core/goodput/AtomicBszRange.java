package dev.gpuhub.core.goodput;

/**
 * The per-replica (atomic) batch sizes a job can run: at least {@code min} samples so the GPU is
 * used, at most {@code max} so it fits in GPU memory. Larger local batches need gradient
 * accumulation.
 *
 * @param min smallest atomic batch size, &gt;= 1
 * @param max largest atomic batch size, &gt;= min
 */
public record AtomicBszRange(int min, int max) {
  public AtomicBszRange {
    if (min < 1 || max < min) {
      throw new IllegalArgumentException("atomic batch size range needs 1 <= min <= max, was [" + min + ", " + max + "]");
    }
  }

  /** The artifact's default when no range is given: any size from 1 to the largest batch size. */
  public static AtomicBszRange upTo(int maxBatchSize) {
    return new AtomicBszRange(1, maxBatchSize);
  }

  public boolean contains(int atomicBsz) {
    return atomicBsz >= min && atomicBsz <= max;
  }
}
