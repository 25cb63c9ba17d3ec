package dev.gpuhub.server.hub.jobs;

import dev.gpuhub.server.discovery.NotFoundException;
import dev.gpuhub.store.JobRepository;
import dev.gpuhub.store.TrainingJobRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Every training job, read from the store once and kept in memory; each change is written to the
 * store first (a failed write changes nothing). Changes are serialised, so a report and a
 * re-allocation never overwrite each other. Thread-safe.
 */
final class JobBook {
  private final JobRepository store;
  private final Map<Long, TrainingJobRecord> jobs = new ConcurrentHashMap<>();

  JobBook(JobRepository store) {
    this.store = store;
    for (TrainingJobRecord j : store.all()) jobs.put(j.id(), j);
  }

  /**
   * Stores a new job unless its owner already has {@code maxActive} active ones.
   *
   * @throws TooManyJobsException then; nothing is stored
   */
  synchronized TrainingJobRecord create(TrainingJobRecord job, int maxActive) {
    if (activeOf(job.owner()) >= maxActive) {
      throw new TooManyJobsException("you have " + maxActive + " queued or running jobs, the most one user may have"
          + " (GPUHUB_JOB_MAX_ACTIVE_PER_USER): wait for one to end or cancel one");
    }
    TrainingJobRecord created = store.create(job);
    jobs.put(created.id(), created);
    return created;
  }

  /**
   * Forgets jobs that ended before {@code cutoff}: deleted from the store and from memory.
   *
   * @return how many were forgotten
   */
  synchronized int forgetEndedBefore(java.time.Instant cutoff) {
    int n = 0;
    for (TrainingJobRecord j : List.copyOf(jobs.values())) {
      if (j.state().isActive() || j.finishedAt() == null || !j.finishedAt().isBefore(cutoff)) continue;
      store.delete(j.id());
      jobs.remove(j.id());
      n++;
    }
    return n;
  }

  /** How many of {@code owner}'s jobs are queued or running. */
  long activeOf(String owner) {
    return jobs.values().stream().filter(j -> j.owner().equals(owner) && j.state().isActive()).count();
  }

  Optional<TrainingJobRecord> get(long id) {
    return Optional.ofNullable(jobs.get(id));
  }

  /** Every job, oldest first. */
  List<TrainingJobRecord> all() {
    List<TrainingJobRecord> out = new ArrayList<>(jobs.values());
    out.sort(Comparator.comparingLong(TrainingJobRecord::id));
    return out;
  }

  /** Jobs the scheduler still works on, oldest first. */
  List<TrainingJobRecord> active() {
    return all().stream().filter(j -> j.state().isActive()).toList();
  }

  /**
   * Applies {@code change} to the job's current record and stores the result (nothing is written
   * when it returns the same record). What {@code change} throws propagates, nothing changed.
   *
   * @throws NotFoundException when there is no such job
   */
  synchronized TrainingJobRecord update(long id, UnaryOperator<TrainingJobRecord> change) {
    TrainingJobRecord current = jobs.get(id);
    if (current == null) throw new NotFoundException("no training job " + id);
    TrainingJobRecord next = change.apply(current);
    if (next == current) return current;
    if (next.id() != id) throw new IllegalArgumentException("a change may not alter the job id");
    if (!store.update(next)) throw new NotFoundException("training job " + id + " is no longer stored");
    jobs.put(id, next);
    return next;
  }
}
