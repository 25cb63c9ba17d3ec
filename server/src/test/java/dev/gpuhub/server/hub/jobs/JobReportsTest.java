package dev.gpuhub.server.hub.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.server.discovery.NotFoundException;
import dev.gpuhub.server.http.UnauthorizedException;
import dev.gpuhub.server.hub.auth.ApiTokens;
import dev.gpuhub.store.JobReplica;
import dev.gpuhub.store.JobRepository;
import dev.gpuhub.store.JobSample;
import dev.gpuhub.store.TrainingJobRecord;
import dev.gpuhub.store.TrainingJobState;
import io.javalin.http.ConflictResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Reports: accepted with the current token only, folded into per-configuration samples, refused without a trace. */
class JobReportsTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private final CountingRepository store = new CountingRepository();
  private final JobBook book;
  private final JobReports reports;
  private final long id;
  private final String token = ApiTokens.generate();

  JobReportsTest() {
    TrainingJobRecord q = store.create(TrainingJobRecord.queued("alice", "t:1", List.of("x"), 1, 4, 64, "default", NOW));
    store.update(q.withState(TrainingJobState.RUNNING, null).withAllocation(List.of(
        new JobReplica(0, "n1", List.of("g0"), "c0"), new JobReplica(1, "n2", List.of("g1"), "c1")),
        ApiTokens.sha256Hex(token)));
    book = new JobBook(store);
    reports = new JobReports(book, Clock.fixed(NOW, ZoneOffset.UTC));
    id = q.id();
    store.writes = 0;
  }

  private static JobReport report(double step) {
    return new JobReport(step, 0.01, 32, 1.0, 4.0, 10.0, false);
  }

  @Test
  void anAcceptedReportIsTheLastOneAndFoldsIntoItsConfigurationsMeans() {
    reports.accept(id, token, report(0.2));
    TrainingJobRecord job = reports.accept(id, token, report(0.4));
    assertThat(job.lastReport().stepTime()).isEqualTo(0.4);
    assertThat(job.lastReport().replicas()).isEqualTo(2);
    assertThat(job.lastReport().nodes()).isEqualTo(2);
    assertThat(job.lastReportAt()).isEqualTo(NOW);
    assertThat(job.samples()).singleElement().satisfies(s -> {
      assertThat(s.count()).isEqualTo(2);
      assertThat(s.stepTime()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-12));
      assertThat(s.nodes()).isEqualTo(2);
    });
    assertThat(store.find(id).orElseThrow()).isEqualTo(job);
  }

  @Test
  void refusedReportsChangeNothing() {
    assertThatThrownBy(() -> reports.accept(id, "not-the-token", report(0.2))).isInstanceOf(UnauthorizedException.class);
    assertThatThrownBy(() -> reports.accept(id, null, report(0.2))).isInstanceOf(UnauthorizedException.class);
    assertThatThrownBy(() -> reports.accept(id + 100, token, report(0.2))).isInstanceOf(NotFoundException.class);
    // a local batch the job can never have been given (initial 64 x max_gpus 4 = 256) steers nothing
    assertThatThrownBy(() -> reports.accept(id, token, new JobReport(0.01, 0, 257, 1, 4, 10.0, false)))
        .isInstanceOfSatisfying(dev.gpuhub.wire.InvalidPayloadException.class,
            e -> assertThat(e.field()).isEqualTo("local_batch")).hasMessageContaining("256");
    assertThat(store.writes).isZero();
    book.update(id, j -> j.withAllocation(List.of(), null).withState(TrainingJobState.FINISHED, null));
    store.writes = 0;
    assertThatThrownBy(() -> reports.accept(id, token, report(0.2))).isInstanceOf(ConflictResponse.class);
    assertThat(store.writes).isZero();
    assertThat(book.get(id).orElseThrow().lastReport()).isNull();
  }

  @Test
  void samplesAreKeptPerConfigurationAndBounded() {
    List<JobSample> samples = new ArrayList<>();
    samples = JobReports.fold(samples, new JobSample(1, 2, 32, 0.2, 0.0, 1));
    samples = JobReports.fold(samples, new JobSample(1, 2, 32, 0.4, 0.2, 1));
    samples = JobReports.fold(samples, new JobSample(2, 2, 32, 0.5, 0.1, 1));
    assertThat(samples).hasSize(2);
    assertThat(samples.get(0).count()).isEqualTo(2);
    assertThat(samples.get(0).syncTime()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-12));
    for (int b = 1; b <= 100; b++) samples = JobReports.fold(samples, new JobSample(1, 1, b, 0.1, 0, 1));
    assertThat(samples).hasSize(JobReports.MAX_SAMPLES);
    assertThat(samples.get(0).count()).isEqualTo(2); // the most reported configuration stays
  }

  /** A repository in memory that counts writes. */
  static final class CountingRepository implements JobRepository {
    final Map<Long, TrainingJobRecord> rows = new TreeMap<>();
    int writes;
    long next = 1;

    @Override
    public synchronized TrainingJobRecord create(TrainingJobRecord job) {
      writes++;
      TrainingJobRecord stored = new TrainingJobRecord(next++, job.owner(), job.image(), job.command(), job.minGpus(),
          job.maxGpus(), job.initialBatchSize(), job.metric(), job.priorityClass(), job.state(), job.allocation(), job.restarts(),
          job.reportTokenHash(), job.submittedAt(), job.startedAt(), job.finishedAt(), job.lastReport(),
          job.lastReportAt(), job.samples(), job.gpuSeconds(), job.message());
      rows.put(stored.id(), stored);
      return stored;
    }

    @Override
    public synchronized Optional<TrainingJobRecord> find(long id) {
      return Optional.ofNullable(rows.get(id));
    }

    @Override
    public synchronized List<TrainingJobRecord> all() {
      return new ArrayList<>(rows.values());
    }

    @Override
    public synchronized List<TrainingJobRecord> ofOwner(String owner) {
      return rows.values().stream().filter(j -> j.owner().equals(owner)).toList();
    }

    @Override
    public synchronized List<TrainingJobRecord> inStates(Set<TrainingJobState> states) {
      return rows.values().stream().filter(j -> states.contains(j.state())).toList();
    }

    @Override
    public synchronized boolean update(TrainingJobRecord job) {
      if (!rows.containsKey(job.id())) return false;
      writes++;
      rows.put(job.id(), job);
      return true;
    }

    @Override
    public synchronized boolean delete(long id) {
      return rows.remove(id) != null;
    }
  }
}
