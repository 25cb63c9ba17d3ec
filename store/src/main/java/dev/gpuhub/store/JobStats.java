package dev.gpuhub.store;

/**
 * One progress report of a training job, as accepted from its replica 0 (SPEC §5).
 *
 * @param stepTime   seconds of one training step (T_iter)
 * @param syncTime   seconds of it spent synchronising gradients (T_sync)
 * @param localBatch samples per replica per step
 * @param gradSqr    squared norm of the mean gradient (mu^2 estimate)
 * @param gradVar    gradient variance (sigma^2 estimate)
 * @param progress   how far the job is, in its own unit (e.g. steps or epochs); null when not sent
 * @param replicas   GPUs (replicas) the job ran on when it reported
 * @param nodes      distinct nodes those replicas were on
 */
public record JobStats(double stepTime, double syncTime, int localBatch, double gradSqr, double gradVar,
                       Double progress, int replicas, int nodes) {}
