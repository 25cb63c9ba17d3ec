package dev.gpuhub.server.hub.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.allocation.PlacementEngine;
import dev.gpuhub.core.allocation.PlacementPolicy;
import dev.gpuhub.core.allocation.PlacementRequest;
import dev.gpuhub.core.goodput.policy.ClusterShape;
import dev.gpuhub.core.placement.Thresholds;
import dev.gpuhub.store.TrainingJobRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** People waiting for GPUs get them set aside before jobs are planned, within what jobs may give up. */
class GpusForPeopleTest {
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  private final JobGpuNodes cluster = new JobGpuNodes(NOW);
  private final PlacementEngine engine = cluster.engine;
  private final JobLauncher launcher = cluster.launcher;

  private void node(String host, int gpus) {
    cluster.node(host, gpus);
  }

  private TrainingJobRecord job(long id) {
    return cluster.job(id);
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
    assertThat(JobCluster.largestEvenPart(plan.usable()).shape()).isEqualTo(new ClusterShape(1, 3));
  }

  @Test
  void polluxPlansEveryNodeWithWhatPeopleLeaveThereOtherPoliciesTheEvenPart() {
    Map<String, Integer> usable = Map.of("n1", 4, "n2", 3, "n3", 1);
    JobCluster pollux = JobCluster.of(usable, new dev.gpuhub.core.goodput.policy.PolluxPolicy(1L));
    assertThat(pollux.hostnames()).containsExactly("n1", "n2", "n3");
    assertThat(pollux.shape()).isEqualTo(new ClusterShape(3, 4, List.of(4, 3, 1)));
    assertThat(pollux.hostsFor(List.of(2, 0, 1, 1, 1))).containsExactly("n1", "n2", "n2", "n2", "n3");
    assertThatThrownBy(() -> pollux.hostsFor(List.of(2, 2))).hasMessageContaining("more than 1 replicas on node 2");
    assertThat(JobCluster.of(usable, (jobs, shape, now) -> Map.of()).shape()).isEqualTo(new ClusterShape(2, 3));
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
