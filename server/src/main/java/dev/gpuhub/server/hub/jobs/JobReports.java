package dev.gpuhub.server.hub.jobs;

import dev.gpuhub.server.http.UnauthorizedException;
import dev.gpuhub.server.hub.auth.ApiTokens;
import dev.gpuhub.store.JobSample;
import dev.gpuhub.store.JobStats;
import dev.gpuhub.store.TrainingJobRecord;
import dev.gpuhub.wire.InvalidPayloadException;
import io.javalin.http.ConflictResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Accepts progress reports: the job must exist (404), the report token must be the one its
 * running replicas were started with (401; a new token comes with every restart, so a report from
 * a replica that was replaced is refused too), and the job must be running (409). An accepted
 * report becomes the job's last report and is folded into the throughput sample of the
 * configuration it ran on. A report whose numbers the scheduler can tell are impossible (a local
 * batch beyond the largest the job may use; sync time above step time) is refused with 400. A
 * refused report changes nothing.
 */
final class JobReports {
  /** Most configurations a job keeps samples of; the least reported one makes room. */
  static final int MAX_SAMPLES = 64;

  private final JobBook book;
  private final Clock clock;

  JobReports(JobBook book, Clock clock) {
    this.book = book;
    this.clock = clock;
  }

  TrainingJobRecord accept(long id, String token, JobReport report) {
    return book.update(id, job -> {
      requireToken(job, token);
      long largest = (long) job.initialBatchSize() * job.maxGpus();
      if (report.localBatch() > largest) {
        throw new InvalidPayloadException("local_batch", report.localBatch() + " is more than job " + job.id()
            + " may ever use per replica (initial batch " + job.initialBatchSize() + " x max_gpus " + job.maxGpus()
            + " = " + largest + ")");
      }
      int replicas = job.allocation().size();
      int nodes = job.nodeCount();
      JobStats stats = new JobStats(report.stepTime(), report.syncTime(), report.localBatch(), report.gradSqr(),
          report.gradVar(), report.progress(), replicas, nodes);
      return job.withReport(stats, clock.instant(), fold(job.samples(),
          new JobSample(nodes, replicas, report.localBatch(), report.stepTime(), report.syncTime(), 1)));
    });
  }

  /**
   * Checks a report's token against the job's current one.
   *
   * @throws ConflictResponse (409) when the job runs nothing that could report
   * @throws UnauthorizedException (401) when the token is missing or not the current one
   */
  static void requireToken(TrainingJobRecord job, String token) {
    if (job.reportTokenHash() == null || job.allocation().isEmpty()) {
      throw new ConflictResponse("job " + job.id() + " is " + job.state().dbValue() + " and takes no reports now");
    }
    if (token == null || !MessageDigest.isEqual(ApiTokens.sha256Hex(token).getBytes(StandardCharsets.US_ASCII),
        job.reportTokenHash().getBytes(StandardCharsets.US_ASCII))) {
      throw new UnauthorizedException("wrong or missing report token for job " + job.id()
          + ": send 'Authorization: Bearer $GPUHUB_REPORT_TOKEN' as the job's replicas got it");
    }
  }

  /** The samples with one report added to its configuration's running means. */
  static List<JobSample> fold(List<JobSample> samples, JobSample report) {
    List<JobSample> out = new ArrayList<>(samples);
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i).sameConfiguration(report)) {
        out.set(i, out.get(i).plus(report.stepTime(), report.syncTime()));
        return out;
      }
    }
    if (out.size() >= MAX_SAMPLES) out.remove(out.stream().min(Comparator.comparingLong(JobSample::count)).orElseThrow());
    out.add(report);
    return out;
  }
}
