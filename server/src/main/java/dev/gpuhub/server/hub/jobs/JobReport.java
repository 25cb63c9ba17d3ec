package dev.gpuhub.server.hub.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.JsonFields;

/**
 * One progress report of a job ({@code POST /hub/api/jobs/<id>/report}), validated.
 *
 * @param stepTime   seconds per training step, > 0
 * @param syncTime   seconds of it spent synchronising gradients, 0 to stepTime
 * @param localBatch samples per replica per step, >= 1
 * @param gradSqr    squared norm of the mean gradient, >= 0
 * @param gradVar    gradient variance, >= 0
 * @param progress   the job's own progress measure, >= 0; null when not sent
 * @param done       whether the job completed (sent by replica 0)
 */
public record JobReport(double stepTime, double syncTime, int localBatch, double gradSqr, double gradVar,
                        Double progress, boolean done) {
  /** A day: no step takes longer. */
  static final double MAX_SECONDS = 86_400;
  static final double MAX_STAT = 1e30;

  /**
   * Reads a report: {@code step_time}, {@code sync_time}, {@code local_batch}, {@code grad_sqr},
   * {@code grad_var} (all required, numbers, none negative, step_time above 0), {@code progress}
   * (optional number >= 0) and {@code done} (optional boolean). Other fields are ignored.
   *
   * @throws InvalidPayloadException naming the field and the rule
   */
  public static JobReport parse(JsonNode body) {
    JsonFields f = JsonFields.of(body, null);
    double step = f.requireDouble("step_time", 0, MAX_SECONDS);
    if (step == 0) throw new InvalidPayloadException("step_time", "must be greater than 0 seconds");
    double sync = f.requireDouble("sync_time", 0, MAX_SECONDS);
    if (sync > step) {
      throw new InvalidPayloadException("sync_time", "must not exceed step_time (" + step + " s): synchronising is part"
          + " of a step, got " + sync + " s");
    }
    int local = (int) f.requireLong("local_batch", 1, JobSubmission.MAX_BATCH_SIZE);
    double sqr = f.requireDouble("grad_sqr", 0, MAX_STAT);
    double var = f.requireDouble("grad_var", 0, MAX_STAT);
    Double progress = f.nullableDouble("progress", 0, MAX_STAT);
    boolean done = f.optionalBoolean("done", false);
    return new JobReport(step, sync, local, sqr, var, progress, done);
  }
}
