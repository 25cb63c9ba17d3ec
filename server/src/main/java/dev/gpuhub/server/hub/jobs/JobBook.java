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

  synchronized TrainingJobRecord create(TrainingJobRecord job) {
    TrainingJobRecord created = store.create(job);
    jobs.put(created.id(), created);
    return created;
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
