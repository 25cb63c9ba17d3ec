package dev.gpuhub.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A training job as stored in {@code training_jobs}.
 *
 * @param id               assigned by the store; ignored by {@link JobRepository#create}
 * @param owner            the hub user who submitted it
 * @param image            container image of every replica
 * @param command          the command and its arguments; never empty
 * @param minGpus          fewest GPUs (replicas) it may run on, >= 1
 * @param maxGpus          most GPUs it may use, >= minGpus
 * @param initialBatchSize the batch size it was tuned for (m0), >= 1
 * @param metric           {@code default}, {@code speed} or {@code cost}
 * @param priorityClass    {@code job} or {@code scavenger} (what it gives up to people waiting for GPUs)
 * @param state            where it is in its life
 * @param allocation       its replicas now, by rank; empty unless RUNNING or RESTARTING
 * @param restarts         how often it was restarted on a new allocation
 * @param reportTokenHash  hex SHA-256 of the token its replicas report with now; null while nothing runs
 * @param submittedAt      when it was submitted
 * @param startedAt        when it first started; null before
 * @param finishedAt       when it became FINISHED, FAILED or CANCELLED; null before
 * @param lastReport       the latest accepted report; null before the first
 * @param lastReportAt     when that report came
 * @param samples          throughput per configuration, for the scheduler's model
 * @param gpuSeconds       GPU-seconds it has run (attained service)
 * @param message          why it waits, failed or was cancelled; null otherwise
 */
public record TrainingJobRecord(long id, String owner, String image, List<String> command, int minGpus, int maxGpus,
                                int initialBatchSize, String metric, String priorityClass, TrainingJobState state,
                                List<JobReplica> allocation, int restarts, String reportTokenHash,
                                Instant submittedAt, Instant startedAt, Instant finishedAt, JobStats lastReport,
                                Instant lastReportAt, List<JobSample> samples, double gpuSeconds, String message) {

  public TrainingJobRecord {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(submittedAt, "submittedAt");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(priorityClass, "priorityClass");
    command = command == null ? List.of() : List.copyOf(command);
    allocation = allocation == null ? List.of() : List.copyOf(allocation);
    samples = samples == null ? List.of() : List.copyOf(samples);
  }

  /** A new QUEUED job of priority class {@code job}, to pass to {@link JobRepository#create}. */
  public static TrainingJobRecord queued(String owner, String image, List<String> command, int minGpus, int maxGpus,
                                         int initialBatchSize, String metric, Instant submittedAt) {
    return queued(owner, image, command, minGpus, maxGpus, initialBatchSize, metric, "job", submittedAt);
  }

  /** A new QUEUED job, to pass to {@link JobRepository#create}. */
  public static TrainingJobRecord queued(String owner, String image, List<String> command, int minGpus, int maxGpus,
                                         int initialBatchSize, String metric, String priorityClass,
                                         Instant submittedAt) {
    return new TrainingJobRecord(0, owner, image, command, minGpus, maxGpus, initialBatchSize, metric,
        priorityClass, TrainingJobState.QUEUED, List.of(), 0, null, submittedAt, null, null, null, null, List.of(), 0, null);
  }

  /** Distinct nodes of the allocation. */
  public int nodeCount() {
    return (int) allocation.stream().map(JobReplica::hostname).distinct().count();
  }

  public TrainingJobRecord withState(TrainingJobState newState, String newMessage) {
    return new TrainingJobRecord(id, owner, image, command, minGpus, maxGpus, initialBatchSize, metric, priorityClass, newState,
        allocation, restarts, reportTokenHash, submittedAt, startedAt, finishedAt, lastReport, lastReportAt, samples,
        gpuSeconds, newMessage);
  }

  public TrainingJobRecord withAllocation(List<JobReplica> newAllocation, String newTokenHash) {
    return new TrainingJobRecord(id, owner, image, command, minGpus, maxGpus, initialBatchSize, metric, priorityClass, state,
        newAllocation, restarts, newTokenHash, submittedAt, startedAt, finishedAt, lastReport, lastReportAt, samples,
        gpuSeconds, message);
  }

  public TrainingJobRecord withRestarts(int newRestarts, Instant newStartedAt) {
    return new TrainingJobRecord(id, owner, image, command, minGpus, maxGpus, initialBatchSize, metric, priorityClass, state,
        allocation, newRestarts, reportTokenHash, submittedAt, newStartedAt, finishedAt, lastReport, lastReportAt,
        samples, gpuSeconds, message);
  }

  public TrainingJobRecord withFinishedAt(Instant at) {
    return new TrainingJobRecord(id, owner, image, command, minGpus, maxGpus, initialBatchSize, metric, priorityClass, state,
        allocation, restarts, reportTokenHash, submittedAt, startedAt, at, lastReport, lastReportAt, samples,
        gpuSeconds, message);
  }

  public TrainingJobRecord withReport(JobStats report, Instant at, List<JobSample> newSamples) {
    return new TrainingJobRecord(id, owner, image, command, minGpus, maxGpus, initialBatchSize, metric, priorityClass, state,
        allocation, restarts, reportTokenHash, submittedAt, startedAt, finishedAt, report, at, newSamples,
        gpuSeconds, message);
  }

  public TrainingJobRecord withGpuSeconds(double total) {
    return new TrainingJobRecord(id, owner, image, command, minGpus, maxGpus, initialBatchSize, metric, priorityClass, state,
        allocation, restarts, reportTokenHash, submittedAt, startedAt, finishedAt, lastReport, lastReportAt, samples,
        total, message);
  }

  /** Never prints the token hash. */
  @Override
  public String toString() {
    return "TrainingJobRecord[id=" + id + ", owner=" + owner + ", state=" + state + ", image=" + image
        + ", gpus=" + minGpus + ".." + maxGpus + ", batch=" + initialBatchSize + ", metric=" + metric
        + ", priority=" + priorityClass        + ", allocation=" + allocation + ", restarts=" + restarts + ", message=" + message + "]";
  }
}
