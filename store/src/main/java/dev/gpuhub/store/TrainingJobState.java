package dev.gpuhub.store;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Where a training job is in its life, as stored in {@code training_jobs.state} (lower-case names):
 *
 * <pre>
 *  submit                 GPUs given                  every replica runs
 *  ──► QUEUED ───────────────────────────► RESTARTING ───────────────────► RUNNING ──► FINISHED
 *        ▲  ▲   a replica could not start      │  ▲        new allocation    │  (replica 0 done)
 *        │  └──────────────────────────────────┘  └──────────────────────────┤
 *        └───────────────── paused, or its replicas vanished ───────────────┘
 *
 *  QUEUED, RESTARTING, RUNNING ──► FAILED (a replica exited with an error)
 *                              ──► CANCELLED (by its owner or an admin)
 * </pre>
 *
 * The job scheduler owns the transitions; the store records whatever state it is given.
 */
public enum TrainingJobState {
  /** Submitted, or paused by the scheduler: no replica runs. */
  QUEUED,
  /** Its replicas run on their allocation. */
  RUNNING,
  /** Its containers are being replaced by ones on a new allocation. */
  RESTARTING,
  /** Replica 0 reported done, or its container exited 0. */
  FINISHED,
  /** A replica exited with an error, or it could not be started; {@code message} says why. */
  FAILED,
  /** Cancelled by its owner or an admin. */
  CANCELLED;

  /** The states the scheduler still works on. */
  public static final Set<TrainingJobState> ACTIVE = EnumSet.of(QUEUED, RUNNING, RESTARTING);

  public boolean isActive() {
    return ACTIVE.contains(this);
  }

  /** The value stored in the database (and shown in the API). */
  public String dbValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The state stored as {@code value}.
   *
   * @throws IllegalArgumentException for a value no state stores
   */
  public static TrainingJobState fromDb(String value) {
    for (TrainingJobState s : values()) {
      if (s.dbValue().equals(value)) return s;
    }
    throw new IllegalArgumentException("unknown training job state '" + value + "' in training_jobs");
  }
}
