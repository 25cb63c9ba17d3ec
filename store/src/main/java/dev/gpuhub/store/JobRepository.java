package dev.gpuhub.store;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Durable training jobs (SPEC §5, table {@code training_jobs}). Implementations are thread-safe,
 * each method is one transaction, and failures surface as {@link StoreException}. Timestamps are
 * kept with microsecond precision (finer parts are truncated). The repository lives as long as the
 * {@link Stores} it came from.
 */
public interface JobRepository {

  /**
   * Stores a new job; its id is ignored.
   *
   * @return the job with its id
   */
  TrainingJobRecord create(TrainingJobRecord job);

  /** The job with this id. */
  Optional<TrainingJobRecord> find(long id);

  /** Every job, oldest id first. */
  List<TrainingJobRecord> all();

  /** The owner's jobs, oldest id first. */
  List<TrainingJobRecord> ofOwner(String owner);

  /** Every job in one of these states, oldest id first. */
  List<TrainingJobRecord> inStates(Set<TrainingJobState> states);

  /**
   * Replaces every column of job {@code job.id()} but id, owner, image, command, GPU bounds, batch
   * size, metric and submission time with the record's values; false when there is no such job.
   */
  boolean update(TrainingJobRecord job);

  /** Deletes the job; false when there is no such job. */
  boolean delete(long id);
}
