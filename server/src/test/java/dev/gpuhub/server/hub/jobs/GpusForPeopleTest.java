package dev.gpuhub.server.hub.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.allocation.Overcommit;
import dev.gpuhub.core.allocation.PlacementEngine;
import dev.gpuhub.core.allocation.PlacementPolicy;
import dev.gpuhub.core.allocation.PlacementRequest;
import dev.gpuhub.core.allocation.ReservationJournal;
import dev.gpuhub.core.goodput.policy.ClusterShape;
import dev.gpuhub.core.node.GpuDevice;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.placement.NodeSelector;
import dev.gpuhub.core.placement.ScoringConfig;
import dev.gpuhub.core.placement.Thresholds;
import dev.gpuhub.server.workload.HttpAgentClient;
import dev.gpuhub.server.workload.WorkloadLauncher;
import dev.gpuhub.store.TrainingJobRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** People waiting for GPUs get them set aside before jobs are planned, within what jobs may give up. */
class GpusForPeopleTest {
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  private final Map<String, NodeReport> nodes = new LinkedHashMap<>();
  private final PlacementEngine engine = new PlacementEngine(() -> new ArrayList<>(nodes.values()),
      NodeSelector.seed(ScoringConfig.SEED, new Random(7)), ScoringConfig.SEED, Overcommit.NONE,
      ReservationJournal.none(), Clock.fixed(NOW, java.time.ZoneOffset.UTC), Duration.ofMinutes(5));
  private final JobLauncher launcher = new JobLauncher(JobsConfig.defaults(),
      WorkloadLauncher.of(engine, new HttpAgentClient("unused-token")), new dev.gpuhub.server.workload.PortClaims(),
      () -> new ArrayList<>(nodes.values()), () -> "http://127.0.0.1:18000", dev.gpuhub.server.workload.Homes.DEFAULT);

  private void node(String host, int gpus) {
    List<GpuDevice> devices = new ArrayList<>();
    for (int i = 0; i < gpus; i++) devices.add(new GpuDevice("Sim", i, "GPU-" + host + "-" + i, 16384L, 0L, 0.0, 0.0, 30.0));
    nodes.put(host, new NodeReport(host, "127.0.0.1", 16, 64, 10.0, 10.0, 10.0, gpus > 0, devices, 10, true, 0, 0, 0,
        NOW, 15003));
  }

  private static TrainingJobRecord job(long id) {
    return new TrainingJobRecord(id, "alice", "trainer:1", List.of("python3"), 1, 4, 64, "default", "job",
        dev.gpuhub.store.TrainingJobState.QUEUED, List.of(), 0, null, NOW, null, null, null, null, List.of(), 0, null);
  }

  private static PlacementRequest person(String user, int gpus) {
    return new PlacementRequest("server:" + user, "gpu", 1, 1, gpus, 1, new Thresholds(100, 100, null),
        PlacementPolicy.SPREAD, List.of());
  }

  @Test
  void aPersonWaitingForOneGpuTakesItFromAJobHoldingAllFour() {
    node("n1", 4);
    launcher.reserve(job(1), List.of("n1", "n1", "n1", "n1"));
    GpusForPeople plan = GpusForPeople.of(engine.allocations(), List.of(person("bob", 1)), 3);
    assertThat(plan.usable()).containsEntry("n1", 3);
    assertThat(plan.promised()).containsExactly(Map.entry("server:bob", 1));
    assertThat(JobCluster.of(plan.usable()).shape()).isEqualTo(new ClusterShape(1, 3));
  }

  @Test
  void freeGpusAreSetAsideFirstAndTakeNothingFromJobs() {
    node("n1", 4);
    node("n2", 4);
    launcher.reserve(job(1), List.of("n1", "n1", "n1", "n1"));
    launcher.reserve(job(2), List.of("n2", "n2"));
    GpusForPeople plan = GpusForPeople.of(engine.allocations(), List.of(person("bob", 2)), 0);
    assertThat(plan.usable()).containsEntry("n1", 4).containsEntry("n2", 2);
    assertThat(plan.promised()).isEmpty();
  }

  @Test
  void jobsGiveUpNoMoreThanTheyMayAndLaterRequestsDoNotOvertake() {
    node("n1", 4);
    launcher.reserve(job(1), List.of("n1", "n1", "n1", "n1"));
    GpusForPeople plan = GpusForPeople.of(engine.allocations(),
        List.of(person("bob", 1), person("carol", 2), person("dave", 1)), 2);
    assertThat(plan.promised()).containsExactly(Map.entry("server:bob", 1));
    assertThat(plan.usable()).containsEntry("n1", 3);

    GpusForPeople none = GpusForPeople.of(engine.allocations(), List.of(person("bob", 1)), 0);
    assertThat(none.promised()).as("jobs at their minimum keep their GPUs").isEmpty();
    assertThat(none.usable()).containsEntry("n1", 4);
  }

  @Test
  void aNotebooksGpusAreNeitherUsableByJobsNorCountedAsFree() {
    node("n1", 2);
    engine.placeNow(person("erin", 1));
    launcher.reserve(job(1), List.of("n1"));
    GpusForPeople plan = GpusForPeople.of(engine.allocations(), List.of(person("bob", 2)), 1);
    assertThat(plan.promised()).as("n1 has only one GPU jobs could give").isEmpty();
    assertThat(plan.usable()).containsEntry("n1", 1);
  }

  @Test
  void priorityClassesSayWhatAJobGivesUp() {
    assertThat(JobPriority.JOB.yieldable(4, 1, false)).isEqualTo(3);
    assertThat(JobPriority.JOB.yieldable(1, 1, false)).isZero();
    assertThat(JobPriority.JOB.yieldable(4, 1, true)).isEqualTo(4);
    assertThat(JobPriority.SCAVENGER.yieldable(4, 2, false)).isEqualTo(4);
    assertThat(JobPriority.fromWireName(null)).isEqualTo(JobPriority.JOB);
    assertThat(JobPriority.fromWireName("scavenger")).isEqualTo(JobPriority.SCAVENGER);
    assertThatThrownBy(() -> JobPriority.fromWireName("interactive")).hasMessageContaining("people's servers");
    assertThatThrownBy(() -> JobPriority.fromWireName("urgent")).hasMessageContaining("'urgent' is not a priority class");
  }

  @Test
  void jobsPlaceBesideTheQueueButOthersMayNotOvertakeIt() {
    node("n1", 1);
    launcher.reserve(job(1), List.of("n1"));
    engine.submit(person("bob", 1), Duration.ofMinutes(5));
    assertThat(engine.waiting("gpu")).extracting(PlacementRequest::owner).containsExactly("server:bob");
    launcher.releaseAll(1);
    assertThat(engine.waiting("gpu")).as("the release served bob").isEmpty();
    assertThat(engine.reservationsOf("server:bob")).hasSize(1);
  }
}
