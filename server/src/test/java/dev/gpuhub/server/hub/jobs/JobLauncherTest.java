package dev.gpuhub.server.hub.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.server.workload.AgentCallException;
import dev.gpuhub.server.workload.LaunchException;
import dev.gpuhub.server.workload.PortClaims;
import dev.gpuhub.server.workload.TestCluster;
import dev.gpuhub.store.JobReplica;
import dev.gpuhub.store.TrainingJobRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A job's replicas start through the one launcher: all of them, or none and no reservation. */
class JobLauncherTest {
  private final TestCluster cluster = new TestCluster().node("a", 8, 1).node("b", 8, 1);
  private final PortClaims ports = new PortClaims();
  private final JobLauncher launcher = new JobLauncher(JobsConfig.defaults(), cluster.launcher, ports, cluster::liveNodes,
      () -> "http://10.0.0.100:8000", dev.gpuhub.server.workload.Homes.DEFAULT);
  private static final JobLauncher.Launch LAUNCH = new JobLauncher.Launch(List.of("a", "b"), "report-token", 64, 32);

  private static TrainingJobRecord job(long id) {
    TrainingJobRecord q = TrainingJobRecord.queued("alice", "trainer:1", List.of("python3"), 1, 4, 64, "default",
        TestCluster.NOW);
    return new TrainingJobRecord(id, q.owner(), q.image(), q.command(), 1, 4, 64, "default", "job", q.state(), List.of(), 0,
        null, TestCluster.NOW, null, null, null, null, List.of(), 0, null);
  }

  @Test
  void everyReplicaRunsOnItsGpuWithItsRankAndItsReservationBound() {
    TrainingJobRecord job = job(1);
    List<JobReplica> started = launcher.start(job, launcher.reserve(job, List.of("a", "b")), LAUNCH);
    assertThat(started).extracting(JobReplica::containerId).doesNotContainNull();
    assertThat(cluster.agents.everywhere()).containsExactly("a/gpuhub-job-1-0", "b/gpuhub-job-1-1");
    var b = cluster.agents.on("b").get("gpuhub-job-1-1");
    assertThat(b.labels()).containsEntry("gpuhub.job", "1").containsEntry("gpuhub.reservation", "job:1/1");
    assertThat(cluster.engine.reservationsOf("job:1/1")).singleElement()
        .satisfies(r -> assertThat(r.containerId()).isEqualTo(b.id()));
    // the rendezvous: one port for the job, drawn from 40000-40999, held on the master's address until the stop
    String port = cluster.agents.request("a", "gpuhub-job-1-0").env().get("MASTER_PORT");
    assertThat(cluster.agents.request("b", "gpuhub-job-1-1").env()).containsEntry("MASTER_PORT", port)
        .containsEntry("MASTER_ADDR", "10.0.0.1");
    assertThat(Integer.parseInt(port)).isBetween(40000, 40999);
    assertThat(ports.held("10.0.0.1", Integer.parseInt(port))).isTrue();
    // every replica mounts its owner's home and checkpoints there, so a restart anywhere that home is resumes
    for (var r : List.of(cluster.agents.request("a", "gpuhub-job-1-0"), cluster.agents.request("b", "gpuhub-job-1-1"))) {
      assertThat(r.volumes()).containsExactly(new dev.gpuhub.wire.node.ContainerRequest.Volume(
          dev.gpuhub.server.workload.Homes.volumeOf(r.labels().get("gpuhub.user")), "/home/jovyan", false));
      assertThat(r.env()).containsEntry("GPUHUB_CHECKPOINT_DIR", "/home/jovyan/.gpuhub/jobs/job-1");
    }
    launcher.stop(1, started);
    assertNothingLeft();
    assertThat(ports.held("10.0.0.1", Integer.parseInt(port))).isFalse();
  }

  @Test
  void rendezvousPortsAreNotDerivedFromTheJobIdAndNeverShared() {
    TestCluster big = new TestCluster().node("m", 64, 20);
    JobLauncher many = new JobLauncher(JobsConfig.defaults(), big.launcher, ports, big::liveNodes, () -> "http://hub:1",
        dev.gpuhub.server.workload.Homes.DEFAULT);
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (long id = 10; id < 30; id++) {
      TrainingJobRecord job = job(id);
      many.start(job, many.reserve(job, List.of("m")), new JobLauncher.Launch(List.of("m"), "t", 64, 64));
      assertThat(seen.add(big.agents.request("m", "gpuhub-job-" + id + "-0").env().get("MASTER_PORT")))
          .as("job %d's port is no other running job's", id).isTrue();
    }
    assertThat(seen).hasSize(20).as("not 40000 + id").isNotEqualTo(
        java.util.stream.LongStream.range(10, 30).mapToObj(i -> Long.toString(40000 + i)).collect(java.util.stream.Collectors.toSet()));
  }

  @Test
  void aReplicaTheAgentRefusesTakesTheOthersDownWithIt() {
    cluster.agents.startFailsOn("b");
    TrainingJobRecord job = job(2);
    List<JobReplica> reserved = launcher.reserve(job, List.of("a", "b"));
    assertThatThrownBy(() -> launcher.start(job, reserved, LAUNCH)).isInstanceOf(LaunchException.class)
        .hasMessageContaining("not found");
    assertNothingLeft();
  }

  @Test
  void aNodeThatStopsReportingBetweenReserveAndStartFailsTheStartWithNothingLeft() {
    TrainingJobRecord job = job(3);
    List<JobReplica> reserved = launcher.reserve(job, List.of("a", "b"));
    cluster.silence("b");
    assertThatThrownBy(() -> launcher.start(job, reserved, LAUNCH)).isInstanceOf(LaunchException.class)
        .hasMessageContaining("node b stopped reporting");
    assertNothingLeft();
  }

  @Test
  void anAgentThatDoesNotAnswerLeavesNothingOnTheOtherNodes() {
    cluster.agents.unreachable("b");
    TrainingJobRecord job = job(4);
    List<JobReplica> reserved = launcher.reserve(job, List.of("a", "b"));
    assertThatThrownBy(() -> launcher.start(job, reserved, LAUNCH)).isInstanceOf(AgentCallException.class);
    assertThat(cluster.agents.on("a")).isEmpty();
    assertThat(cluster.owners()).isEmpty();
  }

  @Test
  void aReservationLostToAHubRestartBeforeTheStartFailsIt() {
    TrainingJobRecord job = job(5);
    List<JobReplica> reserved = launcher.reserve(job, List.of("a", "b"));
    cluster.engine.release("job:5/1");
    assertThatThrownBy(() -> launcher.start(job, reserved, LAUNCH)).isInstanceOf(LaunchException.class)
        .hasMessageContaining("lapsed");
    assertNothingLeft();
  }

  private void assertNothingLeft() {
    assertThat(cluster.agents.everywhere()).as("containers left").isEmpty();
    assertThat(cluster.owners()).as("reservations left").isEmpty();
  }
}
