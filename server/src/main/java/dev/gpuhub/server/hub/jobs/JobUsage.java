package dev.gpuhub.server.hub.jobs;

import java.time.Instant;

/**
 * Hears when a training job starts holding GPUs on an allocation and when it stops (it shrinks,
 * moves, pauses, ends), for accounting. Implementations must not throw into the scheduler.
 */
public interface JobUsage {
  /** Hears nothing. */
  JobUsage NONE = new JobUsage() {
    @Override
    public void started(String user, long job, int gpus, double cores, Instant at) {}

    @Override
    public void ended(String user, long job, Instant at) {}
  };

  /** {@code user}'s job {@code job} holds {@code gpus} GPUs and {@code cores} reserved cores from {@code at}. */
  void started(String user, long job, int gpus, double cores, Instant at);

  /** {@code user}'s job {@code job} holds nothing from {@code at}. */
  void ended(String user, long job, Instant at);
}
