package dev.gpuhub.server.hub.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
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
    // the rendezvous: every rank meets at its own 127.0.0.1:29500, carried between nodes by the job's tunnel,
    // whose public port is drawn from 40000-40999, published by rank 0 alone and held on a's address until the stop
    var rank0 = cluster.agents.request("a", "gpuhub-job-1-0");
    var rank1 = cluster.agents.request("b", "gpuhub-job-1-1");
    for (var r : List.of(rank0, rank1)) {
      assertThat(r.env()).containsEntry("MASTER_ADDR", "127.0.0.1").containsEntry("MASTER_PORT", "29500");
    }
    assertThat(rank0.ports()).singleElement().satisfies(p -> assertThat(p).isBetween(40000, 40999));
    int port = rank0.ports().get(0);
    assertThat(rank1.ports()).isEmpty();
    assertThat(rank0.command()).containsExactly("python3", "/gpuhub/secrets/rendezvous.py", "serve", Integer.toString(port),
        "29500", "--", "python3");
    assertThat(rank1.command()).containsExactly("python3", "/gpuhub/secrets/rendezvous.py", "connect", "29500", "10.0.0.1",
        Integer.toString(port), "--", "python3");
    assertThat(JobRendezvous.jobCommand(rank1.command())).containsExactly("python3");
    assertThat(ports.held("10.0.0.1", port)).isTrue();
    // one authority and certificate for this start, shared by its replicas alone
    assertThat(rank0.files()).containsOnlyKeys("rendezvous.py", "rendezvous-ca.crt", "rendezvous.crt", "rendezvous.key")
        .isEqualTo(rank1.files());
    var authority = dev.gpuhub.wire.tls.Pki.readCertificate(rank0.files().get("rendezvous-ca.crt"));
    var certificate = dev.gpuhub.wire.tls.Pki.readCertificate(rank0.files().get("rendezvous.crt"));
    assertThatCode(() -> certificate.verify(authority.getPublicKey())).doesNotThrowAnyException();
    assertThat(dev.gpuhub.wire.tls.Pki.commonName(certificate)).isEqualTo("job-1");
    // every replica mounts its owner's home and checkpoints there, so a restart anywhere that home is resumes
    for (var r : List.of(cluster.agents.request("a", "gpuhub-job-1-0"), cluster.agents.request("b", "gpuhub-job-1-1"))) {
      assertThat(r.volumes()).containsExactly(new dev.gpuhub.wire.node.ContainerRequest.Volume(
          dev.gpuhub.server.workload.Homes.volumeOf(r.labels().get("gpuhub.user")), "/home/jovyan", false));
      assertThat(r.env()).containsEntry("GPUHUB_CHECKPOINT_DIR", "/home/jovyan/.gpuhub/jobs/job-1");
    }
    launcher.stop(1, started);
    assertNothingLeft();
    assertThat(ports.held("10.0.0.1", port)).isFalse();

    // the next start of the job: another port and another authority, which trusts nothing of the first
    List<JobReplica> again = launcher.start(job, launcher.reserve(job, List.of("a", "b")), LAUNCH);
    var next = cluster.agents.request("a", "gpuhub-job-1-0");
    assertThat(next.files().get("rendezvous-ca.crt")).isNotEqualTo(rank0.files().get("rendezvous-ca.crt"));
    assertThatThrownBy(() -> certificate.verify(dev.gpuhub.wire.tls.Pki.readCertificate(
        next.files().get("rendezvous-ca.crt")).getPublicKey())).isInstanceOf(java.security.GeneralSecurityException.class);
    launcher.stop(1, again);
    assertNothingLeft();
  }

  @Test
  void aJobOfOneReplicaMeetsOnlyItselfAndPublishesNothing() {
    TrainingJobRecord job = job(6);
    List<JobReplica> started = launcher.start(job, launcher.reserve(job, List.of("a")),
        new JobLauncher.Launch(List.of("a"), "t", 64, 64));
    var only = cluster.agents.request("a", "gpuhub-job-6-0");
    assertThat(only.command()).containsExactly("python3");
    assertThat(only.ports()).isEmpty();
    assertThat(only.files()).isEmpty();
    assertThat(only.env()).containsEntry("MASTER_ADDR", "127.0.0.1").containsEntry("MASTER_PORT", "29500");
    launcher.stop(6, started);
    assertNothingLeft();
  }

  @Test
  void rendezvousPortsAreNotDerivedFromTheJobIdAndNeverShared() {
    TestCluster big = new TestCluster().node("m", 64, 40);
    JobLauncher many = new JobLauncher(JobsConfig.defaults(), big.launcher, ports, big::liveNodes, () -> "http://hub:1",
        dev.gpuhub.server.workload.Homes.DEFAULT);
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (long id = 10; id < 26; id++) { // 16 jobs of 2 replicas: 32 of the node's 64 GB
      TrainingJobRecord job = job(id);
      many.start(job, many.reserve(job, List.of("m", "m")), new JobLauncher.Launch(List.of("m", "m"), "t", 64, 32));
      assertThat(seen.add(big.agents.request("m", "gpuhub-job-" + id + "-0").ports().get(0)))
          .as("job %d's port is no other running job's", id).isTrue();
    }
    assertThat(seen).hasSize(16).as("not 40000 + id").isNotEqualTo(
        java.util.stream.LongStream.range(10, 26).mapToObj(i -> (int) (40000 + i)).collect(java.util.stream.Collectors.toSet()));
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
