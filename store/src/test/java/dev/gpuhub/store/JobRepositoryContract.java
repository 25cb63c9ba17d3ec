package dev.gpuhub.store;

import static dev.gpuhub.store.TestData.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.store.jdbc.JdbcClusterRepository;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every durable {@link JobRepository} must do; subclasses bind it to one database. */
public abstract class JobRepositoryContract {
  private JdbcClusterRepository cluster;
  protected JobRepository jobs;

  /** Makes the next {@link #open()} calls use a new, empty database. */
  protected abstract void useEmptyDatabase();

  /** Opens (and migrates) a repository on the current database; may be called again after close. */
  protected abstract JdbcClusterRepository open();

  @BeforeEach
  void openRepository() {
    useEmptyDatabase();
    cluster = open();
    jobs = cluster.jobs();
  }

  @AfterEach
  void closeRepository() {
    cluster.close();
  }

  private static TrainingJobRecord submitted(String owner, int minGpus, int maxGpus) {
    return TrainingJobRecord.queued(owner, "trainer:latest", List.of("python3", "train.py", "--epochs", "3"),
        minGpus, maxGpus, 64, "default", T0);
  }

  @Test
  void aFreshDatabaseHasNoJobs() {
    assertThat(jobs.all()).isEmpty();
    assertThat(jobs.find(1)).isEmpty();
  }

  @Test
  void createdJobsComeBackWholeWithIncreasingIds() {
    TrainingJobRecord a = jobs.create(submitted("alice", 1, 4));
    TrainingJobRecord b = jobs.create(submitted("bob", 2, 2));

    assertThat(b.id()).isGreaterThan(a.id());
    assertThat(jobs.find(a.id())).contains(a);
    assertThat(a.owner()).isEqualTo("alice");
    assertThat(a.command()).containsExactly("python3", "train.py", "--epochs", "3");
    assertThat(a.minGpus()).isEqualTo(1);
    assertThat(a.maxGpus()).isEqualTo(4);
    assertThat(a.initialBatchSize()).isEqualTo(64);
    assertThat(a.metric()).isEqualTo("default");
    assertThat(a.priorityClass()).isEqualTo("job");
    assertThat(a.state()).isEqualTo(TrainingJobState.QUEUED);
    assertThat(a.allocation()).isEmpty();
    assertThat(a.samples()).isEmpty();
    assertThat(a.lastReport()).isNull();
    assertThat(a.submittedAt()).isEqualTo(T0);
    assertThat(jobs.all()).extracting(TrainingJobRecord::id).containsExactly(a.id(), b.id());
  }

  @Test
  void aScavengerJobKeepsItsPriorityClass() {
    TrainingJobRecord s = jobs.create(TrainingJobRecord.queued("carol", "trainer:1", List.of("python3", "t.py"), 1, 4, 64,
        "default", "scavenger", T0));
    assertThat(jobs.find(s.id()).orElseThrow().priorityClass()).isEqualTo("scavenger");
  }

  @Test
  void updateReplacesTheMutableColumns() {
    TrainingJobRecord job = jobs.create(submitted("alice", 1, 4));
    List<JobReplica> replicas = List.of(new JobReplica(0, "gpu-1", List.of("GPU-a"), "c0"),
        new JobReplica(1, "gpu-2", List.of("GPU-b"), null));
    JobStats stats = new JobStats(0.25, 0.05, 32, 1.5, 12.0, 40.0, 2, 2);
    List<JobSample> samples = List.of(new JobSample(2, 2, 32, 0.25, 0.05, 3));
    TrainingJobRecord running = job.withState(TrainingJobState.RUNNING, null)
        .withAllocation(replicas, "ab".repeat(32))
        .withRestarts(2, T0.plusSeconds(5))
        .withReport(stats, T0.plusSeconds(9), samples)
        .withGpuSeconds(17.5);

    assertThat(jobs.update(running)).isTrue();

    TrainingJobRecord stored = jobs.find(job.id()).orElseThrow();
    assertThat(stored).isEqualTo(running);
    assertThat(stored.allocation().get(0).gpuUuids()).containsExactly("GPU-a");
    assertThat(stored.allocation().get(1).containerId()).isNull();
    assertThat(stored.lastReport()).isEqualTo(stats);
    assertThat(stored.nodeCount()).isEqualTo(2);
  }

  @Test
  void aReportWithoutProgressKeepsItNull() {
    TrainingJobRecord job = jobs.create(submitted("alice", 1, 1));
    jobs.update(job.withReport(new JobStats(1, 0, 8, 1, 1, null, 1, 1), T0, List.of()));
    assertThat(jobs.find(job.id()).orElseThrow().lastReport().progress()).isNull();
  }

  @Test
  void finishedJobsKeepTheirEndAndMessage() {
    TrainingJobRecord job = jobs.create(submitted("alice", 1, 1));
    jobs.update(job.withState(TrainingJobState.FAILED, "replica 0 exited with code 3").withFinishedAt(T0.plusSeconds(60)));
    TrainingJobRecord stored = jobs.find(job.id()).orElseThrow();
    assertThat(stored.state()).isEqualTo(TrainingJobState.FAILED);
    assertThat(stored.message()).isEqualTo("replica 0 exited with code 3");
    assertThat(stored.finishedAt()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void listsByOwnerAndByState() {
    TrainingJobRecord a1 = jobs.create(submitted("alice", 1, 1));
    TrainingJobRecord b1 = jobs.create(submitted("bob", 1, 1));
    TrainingJobRecord a2 = jobs.create(submitted("alice", 1, 1));
    jobs.update(a1.withState(TrainingJobState.FINISHED, null));
    jobs.update(b1.withState(TrainingJobState.RUNNING, null));

    assertThat(jobs.ofOwner("alice")).extracting(TrainingJobRecord::id).containsExactly(a1.id(), a2.id());
    assertThat(jobs.ofOwner("carol")).isEmpty();
    assertThat(jobs.inStates(TrainingJobState.ACTIVE)).extracting(TrainingJobRecord::id).containsExactly(b1.id(), a2.id());
    assertThat(jobs.inStates(EnumSet.of(TrainingJobState.FINISHED))).extracting(TrainingJobRecord::id).containsExactly(a1.id());
    assertThat(jobs.inStates(Set.of())).isEmpty();
  }

  @Test
  void updateAndDeleteOfAnUnknownJobAnswerFalse() {
    TrainingJobRecord ghost = submitted("alice", 1, 1);
    assertThat(jobs.update(new TrainingJobRecord(999, ghost.owner(), ghost.image(), ghost.command(), 1, 1, 64,
        "default", "job", TrainingJobState.RUNNING, List.of(), 0, null, T0, null, null, null, null, List.of(), 0, null))).isFalse();
    assertThat(jobs.delete(999)).isFalse();
    TrainingJobRecord job = jobs.create(ghost);
    assertThat(jobs.delete(job.id())).isTrue();
    assertThat(jobs.find(job.id())).isEmpty();
  }

  @Test
  void jobsSurviveAReopen() {
    TrainingJobRecord job = jobs.create(submitted("alice", 2, 8));
    cluster.close();
    cluster = open();
    jobs = cluster.jobs();
    assertThat(jobs.find(job.id())).contains(job);
  }
}
