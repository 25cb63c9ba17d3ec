package dev.gpuhub.core.goodput;

/**
 * The best batch configuration {@link GoodputFunction#optimize} found for one allocation.
 *
 * @param goodput    its goodput (samples per second scaled by statistical efficiency, or plain
 *                   throughput for a speed-only function); 0 when no candidate was valid
 * @param atomicBsz  samples per replica per forward/backward pass
 * @param accumSteps gradient-accumulation passes before each optimiser step (0 = none)
 */
public record BatchChoice(double goodput, int atomicBsz, int accumSteps) {
  /** Total batch size of one optimiser step on {@code replicas} replicas. */
  public long batchSize(int replicas) {
    return (long) replicas * atomicBsz * (accumSteps + 1);
  }
}
