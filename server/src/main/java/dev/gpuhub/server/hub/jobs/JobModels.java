package dev.gpuhub.server.hub.jobs;

import dev.gpuhub.store.TrainingJobRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The goodput model the scheduler believes of each job, fitted from the job's own reports. Reports
 * come from the job's code, which its owner controls, so they may say whatever moves GPUs her way:
 * once a job has a model, a new fit replaces it at most once per {@code refitInterval}, whatever
 * and however often the job reports. So one job's reports change where GPUs go at most once per
 * interval. Until the first model exists, every round with new reports tries a fit.
 *
 * @param <M> the model ({@link JobModel} in the scheduler)
 */
final class JobModels<M> {
  private record Entry<M>(Instant reportAt, Instant fittedAt, Optional<M> model) {}

  private final Map<Long, Entry<M>> entries = new ConcurrentHashMap<>();
  private final Duration refitInterval;
  private final Clock clock;
  private final Function<TrainingJobRecord, Optional<M>> fit;

  JobModels(Duration refitInterval, Clock clock, Function<TrainingJobRecord, Optional<M>> fit) {
    this.refitInterval = refitInterval;
    this.clock = clock;
    this.fit = fit;
  }

  /** The job's model, refitted when it reported since the last fit and the interval allows. */
  Optional<M> model(TrainingJobRecord job) {
    Entry<M> cached = entries.get(job.id());
    Instant now = clock.instant();
    if (cached != null && (Objects.equals(cached.reportAt(), job.lastReportAt())
        || (cached.model().isPresent() && now.isBefore(cached.fittedAt().plus(refitInterval))))) {
      return cached.model();
    }
    Optional<M> model = fit.apply(job);
    entries.put(job.id(), new Entry<>(job.lastReportAt(), now, model));
    return model;
  }

  /** The model last fitted, without fitting (for display). */
  Optional<M> latest(long jobId) {
    Entry<M> cached = entries.get(jobId);
    return cached == null ? Optional.empty() : cached.model();
  }

  void forget(long jobId) {
    entries.remove(jobId);
  }
}
