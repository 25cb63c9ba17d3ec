package dev.gpuhub.server.hub.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.allocation.PlacementEngine;
import dev.gpuhub.core.allocation.PlacementPolicy;
import dev.gpuhub.core.allocation.PlacementRequest;
import dev.gpuhub.core.allocation.Reservation;
import dev.gpuhub.core.goodput.policy.ClusterShape;
import dev.gpuhub.core.placement.Thresholds;
import dev.gpuhub.store.JobReplica;
import dev.gpuhub.store.TrainingJobRecord;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A policy's allocation (node indices) → hostnames by rank → one reservation per replica on exactly
 * that node, with one GPU each; notebooks' GPUs are not the jobs' to give.
 */
class JobAllocationMappingTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private final JobGpuNodes cluster = new JobGpuNodes(NOW);
  private final PlacementEngine engine = cluster.engine;
  private final JobLauncher launcher = cluster.launcher;

  private void node(String host, int gpus) {
    cluster.node(host, gpus);
  }

  private TrainingJobRecord job(long id) {
    return cluster.job(id);
  }

  @Test
  void ownersNameTheJobAndTheRank() {
    assertThat(JobPlacement.owner(12, 3)).isEqualTo("job:12/3");
    assertThat(JobPlacement.jobIdOf("job:12/3")).hasValue(12);
    assertThat(JobPlacement.jobIdOf("job:12")).hasValue(12);
    assertThat(JobPlacement.jobIdOf("server:alice")).isEmpty();
    assertThat(JobPlacement.jobIdOf("job:x/1")).isEmpty();
  }

  @Test
  void theClusterIsTheGpuNodesWithTheirGpusThatNoNotebookHolds() {
    node("b-node", 2);
    node("a-node", 2);
    node("cpu-only", 0);
    JobCluster all = JobCluster.largestEvenPart(engine.allocations());
    assertThat(all.hostnames()).containsExactly("a-node", "b-node");
    assertThat(all.shape()).isEqualTo(new ClusterShape(2, 2));

    // A notebook holds one GPU of a-node: 2 nodes x 1 usable or 1 node x 2 usable; the fuller nodes win the tie.
    engine.placeNow(new PlacementRequest("server:bob", "single-gpu", 1, 1, 1, 1, new Thresholds(100, 100, null),
        PlacementPolicy.SPREAD, List.of("a-node")));
    JobCluster withNotebook = JobCluster.largestEvenPart(engine.allocations());
    assertThat(withNotebook.hostnames()).containsExactly("b-node");
    assertThat(withNotebook.shape()).isEqualTo(new ClusterShape(1, 2));

    // GPUs jobs hold stay usable by jobs: they are re-allocated every round.
    launcher.reserve(job(5), List.of("b-node", "b-node"));
    assertThat(JobCluster.largestEvenPart(engine.allocations()).shape()).isEqualTo(new ClusterShape(1, 2));
  }

  @Test
  void anEmptyClusterHasNoNodes() {
    assertThat(JobCluster.largestEvenPart(engine.allocations()).shape()).isEqualTo(new ClusterShape(0, 1));
  }

  @Test
  void nodeIndicesBecomeHostnamesByRankWithReplicasOfANodeTogether() {
    JobCluster c = new JobCluster(List.of("a", "b", "c"), new ClusterShape(3, 2));
    assertThat(c.hostsFor(List.of(2, 0, 2, 1))).containsExactly("a", "b", "c", "c");
    assertThat(c.hostsFor(List.of())).isEmpty();
    assertThat(c.hostsFor(null)).isEmpty();
    assertThatThrownBy(() -> c.hostsFor(List.of(3))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> c.hostsFor(List.of(1, 1, 1))).isInstanceOf(IllegalStateException.class);

    List<JobReplica> running = List.of(new JobReplica(0, "b", List.of("g1"), "c1"), new JobReplica(1, "c", List.of("g2"), "c2"));
    assertThat(c.indicesOf(running)).containsExactly(1, 2);
    assertThat(c.indicesOf(List.of(new JobReplica(0, "gone", List.of(), null)))).isEmpty();
    assertThat(JobCluster.sameNodes(List.of("a", "b", "a"), List.of("b", "a", "a"))).isTrue();
    assertThat(JobCluster.sameNodes(List.of("a", "b"), List.of("a", "a"))).isFalse();
  }

  @Test
  void eachReplicaHoldsOneGpuOnItsNodeAndNoGpuIsHeldTwice() {
    node("n1", 2);
    node("n2", 2);
    List<JobReplica> a = launcher.reserve(job(1), List.of("n1", "n2", "n2"));
    List<JobReplica> b = launcher.reserve(job(2), List.of("n1"));

    assertThat(a).extracting(JobReplica::hostname).containsExactly("n1", "n2", "n2");
    assertThat(a).extracting(JobReplica::rank).containsExactly(0, 1, 2);
    assertThat(a).allMatch(r -> r.gpuUuids().size() == 1 && r.containerId() == null);
    assertThat(engine.reservationsOf("job:1/2")).singleElement().satisfies(r -> {
      assertThat(r.hostname()).isEqualTo("n2");
      assertThat(r.gpuUuids()).isEqualTo(a.get(2).gpuUuids());
      assertThat(r.cpu()).isEqualTo(JobsConfig.DEFAULT_REPLICA_CPU);
      assertThat(r.memoryGb()).isEqualTo(JobsConfig.DEFAULT_REPLICA_MEMORY_GB);
    });
    Set<String> gpus = new HashSet<>();
    for (Reservation r : engine.reservations()) {
      for (String g : r.gpuUuids()) assertThat(gpus.add(g)).as("GPU " + g + " held once").isTrue();
    }
    assertThat(gpus).hasSize(4);

    // Nothing left: the next replica may not land elsewhere, and the job keeps nothing of a failed start.
    assertThatThrownBy(() -> launcher.reserve(job(3), List.of("n1")))
        .isInstanceOf(dev.gpuhub.server.workload.LaunchException.class).hasMessageContaining("n1");
    assertThat(engine.reservations()).noneMatch(r -> r.owner().startsWith("job:3/"));

    assertThat(launcher.releaseAll(1)).containsExactlyInAnyOrder("job:1/0", "job:1/1", "job:1/2");
    assertThat(engine.reservations()).extracting(Reservation::owner).containsExactly("job:2/0");
  }

  @Test
  void aReplicaWhoseNodeHasNoRoomIsNotPlacedElsewhere() {
    node("n1", 1);
    node("n2", 2);
    launcher.reserve(job(1), List.of("n1"));
    assertThatThrownBy(() -> launcher.reserve(job(2), List.of("n2", "n1")))
        .isInstanceOf(dev.gpuhub.server.workload.LaunchException.class).hasMessageContaining("replica 1 on n1");
    assertThat(engine.reservations()).extracting(Reservation::owner).containsExactly("job:1/0");
  }

  @Test
  void reservingAgainFirstDropsWhatAnInterruptedStartLeft() {
    node("n1", 2);
    launcher.reserve(job(1), List.of("n1", "n1"));
    List<JobReplica> again = launcher.reserve(job(1), List.of("n1"));
    assertThat(again).hasSize(1);
    assertThat(engine.reservations()).extracting(Reservation::owner).containsExactly("job:1/0");
  }
}
