package dev.gpuhub.store;

/**
 * Throughput measured for one configuration of a training job: the mean of every report made on
 * {@code replicas} GPUs over {@code nodes} nodes with {@code localBatch} samples per replica.
 *
 * @param count how many reports the means cover
 */
public record JobSample(int nodes, int replicas, int localBatch, double stepTime, double syncTime, long count) {

  /** The same configuration with one more report folded into the running means. */
  public JobSample plus(double step, double sync) {
    long n = count + 1;
    return new JobSample(nodes, replicas, localBatch, stepTime + (step - stepTime) / n,
        syncTime + (sync - syncTime) / n, n);
  }

  /** Whether {@code other} measured the same configuration. */
  public boolean sameConfiguration(JobSample other) {
    return nodes == other.nodes && replicas == other.replicas && localBatch == other.localBatch;
  }
}
