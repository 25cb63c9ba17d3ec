package dev.gpuhub.server.hub.spawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.gpuhub.server.hub.spawn.SpawnerTestKit.awaitSettled;

import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.server.discovery.PlacementConfig;
import dev.gpuhub.server.hub.proxy.RouteTable;
import dev.gpuhub.server.workload.PortClaims;
import dev.gpuhub.server.workload.TestCluster;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import dev.gpuhub.core.allocation.Reservation;
import dev.gpuhub.core.allocation.ReservationJournal;
import dev.gpuhub.store.StoreException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The spawn lifecycle against fake agents: a server runs or leaves nothing behind (containers,
 * reservation, ports, route), on one node and on several. Where homes send a server: {@link SpawnerHomesTest}.
 */
class SpawnerTest {
  private final TestCluster cluster = new TestCluster().node("a", 8, 0).node("b", 8, 0);
  private final RouteTable routes = new RouteTable(Clock.systemUTC());
  private final PortClaims ports = new PortClaims();
  private final Spawner spawner = SpawnerTestKit.spawner(cluster, ports, routes, ServerLedger.NONE);

  @AfterEach
  void close() {
    spawner.close();
  }

  private ActiveServer spawnAndWait(String user, String profile) {
    spawner.hooks(SpawnerHooks.NONE.withHubUrl(() -> "http://10.0.0.100:8000"));
    return awaitSettled(spawner.spawn(user, new SpawnOptions(profile, null, null)));
  }

  /**
   * A database restart while a server starts: the reservation's writes fail for a while (placing,
   * then binding), the start waits for the database, tells the user once, and the server runs.
   */
  @Test
  void aStartCaughtByADatabaseOutageWaitsForItAndRuns() {
    AtomicInteger addsToFail = new AtomicInteger(2);
    AtomicInteger updatesToFail = new AtomicInteger(2);
    ReservationJournal flaky = new ReservationJournal() {
      @Override
      public void added(List<Reservation> reservations) {
        if (addsToFail.getAndDecrement() > 0) throw new StoreException("cannot add reservation: Connection refused", null);
      }

      @Override
      public void updated(List<Reservation> reservations) {
        if (updatesToFail.getAndDecrement() > 0) throw new StoreException("cannot update reservation: Connection refused", null);
      }

      @Override
      public void removed(java.util.Collection<String> ids) {
      }

      @Override
      public List<Reservation> all() {
        return List.of();
      }
    };
    TestCluster outage = new TestCluster(flaky).node("a", 8, 0);
    Spawner waiting = SpawnerTestKit.spawner(outage, ports, routes, ServerLedger.NONE);
    try {
      waiting.hooks(SpawnerHooks.NONE.withHubUrl(() -> "http://10.0.0.100:8000"));
      ActiveServer s = waiting.spawn("olga", new SpawnOptions("single-cpu", null, null));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (s.snapshot().state() == ServerState.PENDING && System.nanoTime() < deadline) Thread.onSpinWait();
      assertThat(s.snapshot().state()).as("%s", s.snapshot().failureReason()).isEqualTo(ServerState.RUNNING);
      assertThat(addsToFail.get()).isNegative();
      assertThat(updatesToFail.get()).isNegative();
      assertThat(outage.engine.reservationsOf("server:olga")).singleElement()
          .satisfies(r -> assertThat(r.containerId()).isEqualTo(s.snapshot().containerId()));
      assertThat(s.progress().events().stream().filter(e -> String.valueOf(e.message()).contains("database is unavailable")))
          .hasSize(1);
    } finally {
      waiting.close();
    }
  }

  @Test
  void aServerRunsRoutedOnItsReservationWithAClaimedPort() {
    ActiveServer s = spawnAndWait("alice", "single-cpu");
    assertThat(s.snapshot().state()).isEqualTo(ServerState.RUNNING);
    assertThat(routes.get("alice")).isPresent();
    assertThat(cluster.agents.everywhere()).containsExactly(s.snapshot().primaryHostname() + "/gpuhub-alice");
    assertThat(cluster.engine.reservationsOf("server:alice")).singleElement()
        .satisfies(r -> assertThat(r.containerId()).isEqualTo(s.snapshot().containerId()));
    assertThat(ports.held(s.snapshot().nodeIp(), s.snapshot().port())).isTrue();

    assertThat(spawner.stop("alice", "test")).isTrue();
    assertNothingLeftOf(s);
  }

  @Test
  void aTwoGpuServerOfAModelGetsTwoOfThatModelsDevicesOnOneNodeAndItsLimitsAndGuarantees() {
    TestCluster gpus = new TestCluster().node("t4", 16, 4, 10.0, "Tesla T4").node("a100", 16, 2, 10.0, "NVIDIA A100-SXM4-80GB");
    Profile twoA100 = new Profile(4, "two-a100", "Two A100", "", 2, 4, 2, 1, 1, 100, 100, null, 8, 16, "*A100*", 0, List.of(), false);
    Spawner s = new Spawner(SpawnerTestKit.CONFIG, new ClusterView(n -> Optional.of(twoA100), gpus::liveNodes, PlacementConfig.defaults(),
        false), gpus.launcher, new PortClaims(), routes, ServerLedger.NONE, Clock.systemUTC());
    try {
      s.hooks(SpawnerHooks.NONE.withHubUrl(() -> "http://10.0.0.100:8000"));
      ActiveServer server = s.spawn("kim", new SpawnOptions("two-a100", null, null));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (server.snapshot().state() == ServerState.PENDING && System.nanoTime() < deadline) Thread.onSpinWait();
      assertThat(server.snapshot().state()).isEqualTo(ServerState.RUNNING);
      assertThat(server.snapshot().primaryHostname()).isEqualTo("a100");
      var request = gpus.agents.request("a100", "gpuhub-kim");
      assertThat(request.gpuDeviceUuids()).containsExactlyInAnyOrder("GPU-a100-0", "GPU-a100-1");
      assertThat(request.cpus()).isEqualTo(8.0);
      assertThat(request.memoryBytes()).isEqualTo(16L << 30);
      assertThat(request.cpuGuarantee()).isEqualTo(2.0);
      assertThat(request.memoryReservationBytes()).isEqualTo(4L << 30);
      // the A100 node is full now: another two-A100 server waits, though four T4s are free
      ActiveServer second = s.spawn("lee", new SpawnOptions("two-a100", null, null));
      long queued = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (gpus.engine.queue().isEmpty() && System.nanoTime() < queued) Thread.onSpinWait();
      assertThat(gpus.engine.queue()).singleElement().satisfies(q -> assertThat(q.owner()).isEqualTo("server:lee"));
      assertThat(second.snapshot().state()).isEqualTo(ServerState.PENDING);
      s.stop("lee", "test");
      s.stop("kim", "test");
    } finally {
      s.close();
    }
  }

  @Test
  void aUserRunsNamedServersBesideTheDefaultOneEachWithItsOwnProfileContainersRouteAndReservation() {
    ActiveServer def = spawnAndWait("alice", "single-cpu");
    dev.gpuhub.core.hub.ServerId bigId = new dev.gpuhub.core.hub.ServerId("alice", "big");
    ActiveServer big = awaitSettled(spawner.spawn(bigId, new SpawnOptions("multi-cpu", null, null)));
    assertThat(big.snapshot().state()).as(big.progress().events().toString()).isEqualTo(ServerState.RUNNING);
    assertThat(big.snapshot().url()).isEqualTo("/user/alice/big/");
    assertThat(big.snapshot().profile()).isEqualTo("multi-cpu");
    assertThat(cluster.engine.reservationsOf("server:alice")).hasSize(1);
    assertThat(cluster.engine.reservationsOf("server:alice/big")).hasSize(2);
    assertThat(routes.get(bigId)).get().satisfies(r -> assertThat(r.basePath()).isEqualTo("/user/alice/big/"));
    var request = cluster.agents.request(big.snapshot().primaryHostname(), "gpuhub-alice_big");
    assertThat(request.labels()).containsEntry("gpuhub.server", "big").containsEntry("gpuhub.user", "alice")
        .containsEntry("gpuhub.reservation", "server:alice/big");
    assertThat(String.join(" ", request.command())).contains("--NotebookApp.base_url=/user/alice/big/");
    assertThat(request.env()).containsEntry("GPUHUB_SERVER_NAME", "big");
    for (KernelHost h : big.kernelHosts()) {
      assertThat(h.basePath()).isEqualTo("/user/alice/big/kernelhost/" + h.hostname() + "/");
      assertThat(cluster.agents.request(h.hostname(), "gpuhub-alice_big-kh-" + h.hostname())).isNotNull();
    }
    assertThat(spawner.serversOf("alice")).extracting(a -> a.snapshot().server()).containsExactly("", "big");

    // one server per name; up to the limit of named servers (2 by default), the default one not counted
    assertThatThrownBy(() -> spawner.spawn(bigId, new SpawnOptions("single-cpu", null, null)))
        .isInstanceOf(ServerAlreadyActiveException.class).hasMessageContaining("alice's server 'big' is already active");
    ActiveServer small = awaitSettled(spawner.spawn(new dev.gpuhub.core.hub.ServerId("alice", "small"),
        new SpawnOptions("single-cpu", null, null)));
    assertThat(small.snapshot().state()).isEqualTo(ServerState.RUNNING);
    assertThatThrownBy(() -> spawner.spawn(new dev.gpuhub.core.hub.ServerId("alice", "third"),
        new SpawnOptions("single-cpu", null, null)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already has 2 named server(s)")
        .hasMessageContaining("GPUHUB_NAMED_SERVER_LIMIT=2");
    assertThat(cluster.agents.everywhere()).noneMatch(n -> n.contains("third"));

    // each stops on its own
    assertThat(spawner.stop(bigId, "test")).isTrue();
    assertThat(routes.get(bigId)).isEmpty();
    assertThat(cluster.engine.reservationsOf("server:alice/big")).isEmpty();
    assertThat(cluster.agents.everywhere()).noneMatch(n -> n.contains("alice_big"));
    assertThat(def.snapshot().state()).isEqualTo(ServerState.RUNNING);
    assertThat(routes.get("alice")).isPresent();
    assertThat(spawner.stopAll("alice", "logged out")).isEqualTo(2);
    assertThat(cluster.agents.everywhere()).isEmpty();
    assertThat(cluster.owners()).isEmpty();
  }

  @Test
  void eachImageStartsAsItsDeclarationSaysAndTheOthersAsTheHubsDefault() {
    List<dev.gpuhub.core.profile.ImageChoice> declared = List.of(
        new dev.gpuhub.core.profile.ImageChoice("lab/stacks:1", "Stacks", List.of(), List.of(), "singleuser"),
        new dev.gpuhub.core.profile.ImageChoice("img", "Plain", List.of(), List.of()));
    java.util.List<String> registered = new java.util.concurrent.CopyOnWriteArrayList<>();
    spawner.hooks(SpawnerHooks.NONE.withHubUrl(() -> "http://10.0.0.100:8000").withImages(() -> declared)
        .withApiClients(new ServerApiClients() {
          @Override public void register(String user, String server, String apiToken, String oauthCallback) {
            registered.add(user + "/" + server + " " + oauthCallback);
          }

          @Override public void forget(String user, String server) {}
        }));
    ActiveServer stacks = awaitSettled(spawner.spawn("alice", new SpawnOptions("single-cpu", "lab/stacks:1", null)));
    ActiveServer plain = awaitSettled(spawner.spawn("bob", new SpawnOptions("single-cpu", "img", null)));
    assertThat(stacks.snapshot().state()).as(stacks.progress().events().toString()).isEqualTo(ServerState.RUNNING);
    assertThat(plain.snapshot().state()).isEqualTo(ServerState.RUNNING);

    var single = cluster.agents.request(stacks.snapshot().primaryHostname(), "gpuhub-alice");
    assertThat(single.command()).containsExactly("jupyterhub-singleuser");
    assertThat(single.env()).containsKey("JUPYTERHUB_API_TOKEN").containsEntry("JUPYTERHUB_SERVICE_PREFIX", "/user/alice/")
        .doesNotContainKey("JUPYTER_TOKEN");
    assertThat(routes.get("alice")).get().satisfies(r -> assertThat(r.addsToken()).as("OAuth, no token added").isFalse());
    assertThat(registered).containsExactly("alice/ /user/alice/oauth_callback");

    var template = cluster.agents.request(plain.snapshot().primaryHostname(), "gpuhub-bob");
    assertThat(String.join(" ", template.command())).startsWith("python3 -m notebook").contains("base_url=/user/bob/");
    assertThat(template.env()).containsKey("JUPYTER_TOKEN").doesNotContainKey("JUPYTERHUB_API_TOKEN");
    assertThat(routes.get("bob")).get().satisfies(r -> assertThat(r.addsToken()).as("the proxy adds the token").isTrue());
  }

  @Test
  void aServerThatNeverAnswersFailsWithTheTimeoutAndLeavesNothing() {
    cluster.agents.neverReady("gpuhub-bob");
    ActiveServer s = spawnAndWait("bob", "single-cpu");
    assertThat(s.snapshot().state()).isEqualTo(ServerState.FAILED);
    assertThat(s.snapshot().failureReason()).contains("did not answer within 0 s (start timeout)");
    assertNothingLeftOf(s);
  }

  @Test
  void aStartRefusedByTheAgentFailsWithItsReasonAndLeavesNothing() {
    cluster.agents.startFailsOn("a").startFailsOn("b");
    ActiveServer s = spawnAndWait("carol", "single-cpu");
    assertThat(s.snapshot().state()).isEqualTo(ServerState.FAILED);
    assertThat(s.snapshot().failureReason()).contains("image img not found");
    assertNothingLeftOf(s);
  }

  @Test
  void aMultiNodeServerRunsAKernelHostOnEveryNodeOrNothingAnywhere() {
    ActiveServer ok = spawnAndWait("dave", "multi-cpu");
    assertThat(ok.snapshot().state()).isEqualTo(ServerState.RUNNING);
    assertThat(cluster.agents.everywhere()).containsExactlyInAnyOrder(ok.snapshot().primaryHostname() + "/gpuhub-dave",
        "a/gpuhub-dave-kh-a", "b/gpuhub-dave-kh-b");
    assertThat(ok.kernelHosts()).allSatisfy(h -> assertThat(h.containerId()).isNotNull());
    // no secret on a command line (process listings, docker inspect): tokens go by environment
    var primary = cluster.agents.request(ok.snapshot().primaryHostname(), "gpuhub-dave");
    assertThat(String.join(" ", primary.command())).doesNotContain(ok.snapshot().token())
        .doesNotContain(ok.gatewayToken()).contains("--GatewayClient.url=");
    assertThat(primary.env()).containsEntry("JUPYTER_TOKEN", ok.snapshot().token())
        .containsEntry("JUPYTER_GATEWAY_AUTH_TOKEN", ok.gatewayToken());
    // dave's home, the same volume name on every node, at the workload user's home
    var home = new dev.gpuhub.wire.node.ContainerRequest.Volume("gpuhub-home-dave", "/home/jovyan", false);
    assertThat(primary.volumes()).containsExactly(home);
    for (KernelHost h : ok.kernelHosts()) {
      var kh = cluster.agents.request(h.hostname(), KernelHost.containerName(dev.gpuhub.core.hub.ServerId.defaultOf("dave"), h.hostname()));
      assertThat(String.join(" ", kh.command())).doesNotContain(h.token());
      assertThat(kh.env()).containsEntry("JUPYTER_TOKEN", h.token());
      assertThat(kh.volumes()).containsExactly(home);
    }
    spawner.stop("dave", "test");
    assertNothingLeftOf(ok);

    cluster.agents.neverReady("gpuhub-erin-kh-b"); // one node's kernel host never answers
    ActiveServer failed = spawnAndWait("erin", "multi-cpu");
    assertThat(failed.snapshot().state()).isEqualTo(ServerState.FAILED);
    assertThat(failed.snapshot().failureReason()).contains("the kernel host on b did not answer");
    assertNothingLeftOf(failed);
  }

  @Test
  void aWorkerThatExitsFailsTheWorkerModeServerAndLeavesNothing() {
    cluster.agents.exitsAtOnce("gpuhub-frank-worker-");
    ActiveServer s = spawnAndWait("frank", "ray");
    assertThat(s.snapshot().state()).isEqualTo(ServerState.FAILED);
    assertThat(s.snapshot().failureReason()).contains("worker on").contains("stopped right after its start (exit code 1)");
    assertNothingLeftOf(s);
  }

  @Test
  void aServerWhoseContainerDiesIsEndedAndItsRoomFreed() {
    ActiveServer s = spawnAndWait("gina", "single-cpu");
    cluster.agents.crash(s.snapshot().primaryHostname(), "gpuhub-gina");
    assertThat(spawner.containerGone(dev.gpuhub.core.hub.ServerId.defaultOf("gina"), "its container exited")).isTrue();
    assertThat(s.snapshot().state()).isEqualTo(ServerState.FAILED);
    assertNothingLeftOf(s);
  }

  @Test
  void anAdoptedServerHoldsItsPortsSoNoNewServerTakesThem() {
    ActiveServer.Snapshot recorded = new ActiveServer.Snapshot("hank", "", "single-cpu", "img", List.of("a"), "a", "10.0.0.1",
        15003, "c99", 20000, "t0k3n", ServerState.RUNNING, TestCluster.NOW, null);
    spawner.adopt(recorded, List.of(), List.of(), null);
    assertThat(ports.held("10.0.0.1", 20000)).isTrue();
    assertThat(routes.get("hank")).isPresent();
  }

  @Test
  void theOptionsFormsPlanIsWhereTheServerThenRuns_inSeveralClusterStates() {
    TestCluster busy = new TestCluster().node("quiet", 8, 0, 5.0).node("loaded", 8, 0, 70.0).node("spare", 8, 0, 40.0);
    Spawner s = SpawnerTestKit.spawner(busy, new PortClaims(), routes, ServerLedger.NONE);
    s.hooks(SpawnerHooks.NONE.withHubUrl(() -> "http://10.0.0.100:8000"));
    List<String> seen = new java.util.ArrayList<>();
    String[][] steps = {{"u1", "single-cpu"}, {"u2", "multi-cpu"}, {"u3", "ray"}, {"u4", "single-cpu"}, {"u5", "multi-cpu"}};
    // Room held on the quietest node: the seed's ranking (load score) would put the next server there.
    busy.engine.placeNow(new dev.gpuhub.core.allocation.PlacementRequest("held", "p", 7, 1, 0, 1,
        new dev.gpuhub.core.placement.Thresholds(100, 100, null), dev.gpuhub.core.allocation.PlacementPolicy.SPREAD,
        List.of("quiet"), true));
    for (String[] step : steps) {
      Profile profile = SpawnerTestKit.PROFILES.get(step[1]);
      var preview = s.placements().preview(profile, profile.minNodes());
      List<ServerLayout.NodeParts> plan = s.placements().layout(profile, preview.chosen());
      ActiveServer server = s.spawn(step[0], new SpawnOptions(step[1], null, null));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (server.snapshot().state() == ServerState.PENDING && System.nanoTime() < deadline) Thread.onSpinWait();
      assertThat(server.snapshot().state()).as(step[0]).isEqualTo(ServerState.RUNNING);
      assertThat(server.snapshot().nodes()).as("%s: the plan's nodes, primary first", step[0])
          .isEqualTo(plan.stream().map(ServerLayout.NodeParts::hostname).toList());
      for (ServerLayout.NodeParts p : plan) {
        var names = busy.agents.on(p.hostname()).keySet();
        if (p.parts().contains(ServerLayout.Part.KERNEL_HOST)) assertThat(names).contains(KernelHost.containerName(dev.gpuhub.core.hub.ServerId.defaultOf(step[0]), p.hostname()));
        if (p.parts().contains(ServerLayout.Part.WORKER)) assertThat(names).contains(WorkerMode.containerName(dev.gpuhub.core.hub.ServerId.defaultOf(step[0]), p.hostname()));
        if (p.primary()) assertThat(names).contains(Spawner.containerName(dev.gpuhub.core.hub.ServerId.defaultOf(step[0])));
      }
      seen.add(String.join(",", server.snapshot().nodes()));
    }
    assertThat(seen.get(0)).as("spread, not the seed's quietest node").isNotEqualTo("quiet");
    assertThat(new java.util.HashSet<>(seen)).as("the states differ from step to step").hasSizeGreaterThan(2);
    s.close();
  }

  private void assertNothingLeftOf(ActiveServer s) {
    assertThat(cluster.agents.everywhere()).as("containers left").isEmpty();
    assertThat(cluster.owners()).as("reservations left").isEmpty();
    assertThat(routes.get(s.snapshot().id())).as("route left").isEmpty();
    if (s.snapshot().nodeIp() != null) {
      assertThat(ports.held(s.snapshot().nodeIp(), s.snapshot().port())).as("port left").isFalse();
    }
    for (KernelHost h : s.kernelHosts()) assertThat(ports.held(h.ip(), h.port())).as("kernel host port left").isFalse();
  }
}
