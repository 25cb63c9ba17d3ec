package dev.gpuhub.server.hub.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.server.discovery.PlacementConfig;
import dev.gpuhub.server.hub.proxy.RouteTable;
import dev.gpuhub.server.workload.PortClaims;
import dev.gpuhub.server.workload.TestCluster;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** After a hub restart: a server whose container still runs is adopted; one whose container died is ended and its room freed. */
class ReconcilerTest {
  private static final Profile SINGLE = new Profile(1, "single-cpu", "Single CPU", "", 1, 1, false, 1, 1, 100, 100);
  private final TestCluster cluster = new TestCluster().node("a", 8, 0).node("b", 8, 0);
  private final SpawnerConfig config = new SpawnerConfig("img", "img", SpawnerConfig.NOTEBOOK_COMMAND, Duration.ofMillis(300),
      20000, 20009, Duration.ofMinutes(10), Duration.ofMinutes(1));
  private final Ledger ledger = new Ledger();

  private Spawner spawner(RouteTable routes) {
    return new Spawner(config, new ClusterView(n -> Optional.of(SINGLE), cluster::liveNodes, PlacementConfig.defaults(),
        false), cluster.launcher, new PortClaims(), routes, ledger, Clock.systemUTC());
  }

  @Test
  void aRunningServerIsAdoptedAndADeadOneEndedWithItsReservationReleased() {
    Spawner before = spawner(new RouteTable(Clock.systemUTC()));
    ActiveServer alice = run(before, "alice");
    ActiveServer bob = run(before, "bob");
    before.close(); // the hub stops; containers and the reservation journal stay
    cluster.agents.crash(bob.snapshot().primaryHostname(), "gpuhub-bob");

    RouteTable routes = new RouteTable(Clock.systemUTC());
    Spawner after = spawner(routes);
    Reconciler reconciler = new Reconciler(after, ledger, cluster::liveNodes, cluster.launcher, Clock.systemUTC());
    reconciler.loadRecorded(Duration.ofMinutes(1));
    Reconciler.Result result = reconciler.tryAdopt();

    assertThat(result.adopted()).containsExactly("alice");
    assertThat(result.ended()).containsExactly("bob");
    assertThat(routes.get("alice")).isPresent();
    assertThat(after.server("alice").orElseThrow().snapshot().state()).isEqualTo(ServerState.RUNNING);
    assertThat(cluster.engine.reservationsOf("server:alice")).singleElement()
        .satisfies(r -> assertThat(r.containerId()).isEqualTo(alice.snapshot().containerId()));
    assertThat(cluster.owners()).containsExactly("server:alice");
    assertThat(cluster.agents.everywhere()).containsExactly(alice.snapshot().primaryHostname() + "/gpuhub-alice");
    assertThat(ledger.ended).contains("bob");
    after.close();
  }

  @Test
  void startsARestartInterruptedAreStartedAgainInTheirOrderWithWhatTheyLeftBehindRemoved() throws Exception {
    Spawner before = spawner(new RouteTable(Clock.systemUTC()));
    ledger.crashBeforeRunning.add("dave");
    ActiveServer dave = before.spawn("dave", new SpawnOptions("single-cpu", null, null));
    long started = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (dave.snapshot().state() != ServerState.RUNNING && System.nanoTime() < started) Thread.sleep(20);
    Thread.sleep(100); // its container runs, its reservation is held, the ledger still says pending
    ledger.requested(new ActiveServer.Snapshot("erin", "", "single-cpu", "img", List.of(), null, null, null, null, 0, "t",
        ServerState.PENDING, dave.snapshot().startedAt().plusMillis(1), null)); // waited in the queue: nothing started yet
    before.close();
    ledger.crashBeforeRunning.clear();
    String leftover = dave.snapshot().primaryHostname() + "/gpuhub-dave";
    assertThat(cluster.agents.everywhere()).containsExactly(leftover);

    Spawner after = spawner(new RouteTable(Clock.systemUTC()));
    Reconciler reconciler = new Reconciler(after, ledger, cluster::liveNodes, cluster.launcher, Clock.systemUTC());
    reconciler.loadRecorded(Duration.ofMinutes(1));
    assertThat(reconciler.resumeInterrupted()).extracting(dev.gpuhub.core.hub.ServerId::user).containsExactly("dave", "erin");
    for (String user : List.of("dave", "erin")) {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (after.server(user).orElseThrow().snapshot().state() != ServerState.RUNNING && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(after.server(user).orElseThrow().snapshot().state()).as(user).isEqualTo(ServerState.RUNNING);
    }
    assertThat(after.server("dave").orElseThrow().snapshot().containerId()).isNotEqualTo(dave.snapshot().containerId());
    assertThat(cluster.engine.reservationsOf("server:dave")).hasSize(1);
    assertThat(cluster.agents.everywhere()).hasSize(2);
    assertThat(ledger.pendingServers()).isEmpty();
    assertThat(reconciler.resumeInterrupted()).as("nothing left to resume").isEmpty();
    after.close();
  }

  @Test
  void startsThatWaitedInTheQueueWaitAgainInTheOrderTheyWereAskedFor() throws Exception {
    Profile oneGpu = new Profile(2, "one-gpu", "One GPU", "", 1, 1, true, 1, 1, 100, 100);
    TestCluster full = new TestCluster().node("g", 8, 1);
    Spawner spawner = new Spawner(config, new ClusterView(n -> Optional.of(oneGpu), full::liveNodes, PlacementConfig.defaults(),
        false), full.launcher, new PortClaims(), new RouteTable(Clock.systemUTC()), ledger, Clock.systemUTC());
    ActiveServer filler = spawner.spawn("filler", new SpawnOptions("one-gpu", null, null));
    long ready = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (filler.snapshot().state() != ServerState.RUNNING && System.nanoTime() < ready) Thread.sleep(20);
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 8; i++) { // asked for 1 ms apart while the only GPU was taken: they were queued
      ledger.requested(new ActiveServer.Snapshot("w" + i, "", "one-gpu", "img", List.of(), null, null, null, null, 0, "t",
          ServerState.PENDING, filler.snapshot().startedAt().plusMillis(i), null));
      expected.add("server:w" + i);
    }
    Reconciler reconciler = new Reconciler(spawner, ledger, full::liveNodes, full.launcher, Clock.systemUTC());
    reconciler.loadRecorded(Duration.ofMinutes(1));
    assertThat(reconciler.resumeInterrupted()).hasSize(8);
    long queued = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (full.engine.queue().size() < 8 && System.nanoTime() < queued) Thread.sleep(20);
    assertThat(full.engine.queue()).extracting(dev.gpuhub.core.allocation.QueueEntry::owner).containsExactlyElementsOf(expected);
    spawner.close();
  }

  @Test
  void aServerWhoseSpawnStartsWhileItsNodeIsBeingSweptIsNotAnOrphan() {
    Spawner spawner = spawner(new RouteTable(Clock.systemUTC()));
    Reconciler reconciler = new Reconciler(spawner, ledger, cluster::liveNodes, cluster.launcher, Clock.systemUTC());
    // the sweep reads what runs on a node while a spawn registers its server and starts its container
    java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
    cluster.agents.beforeList(() -> {
      if (once.compareAndSet(false, true)) run(spawner, "carol");
    });
    assertThat(reconciler.removeOrphans()).as("carol's container is hers, not an orphan").isEmpty();
    cluster.agents.beforeList(null);
    assertThat(cluster.agents.everywhere()).containsExactly(
        spawner.server("carol").orElseThrow().snapshot().primaryHostname() + "/gpuhub-carol");
    assertThat(spawner.server("carol").orElseThrow().snapshot().state()).isEqualTo(ServerState.RUNNING);
    spawner.close();
  }

  @Test
  void namedServersAreAdoptedBesideTheDefaultOneAndNeverTakenForOrphans() {
    Spawner before = spawner(new RouteTable(Clock.systemUTC()));
    ActiveServer def = run(before, "alice");
    ActiveServer named = run(before, new dev.gpuhub.core.hub.ServerId("alice", "big"));
    before.close();

    RouteTable routes = new RouteTable(Clock.systemUTC());
    Spawner after = spawner(routes);
    Reconciler reconciler = new Reconciler(after, ledger, cluster::liveNodes, cluster.launcher, Clock.systemUTC());
    reconciler.loadRecorded(Duration.ofMinutes(1));
    assertThat(reconciler.tryAdopt().adopted()).containsExactlyInAnyOrder("alice", "alice/big");
    assertThat(routes.get(new dev.gpuhub.core.hub.ServerId("alice", "big"))).get()
        .satisfies(r -> assertThat(r.basePath()).isEqualTo("/user/alice/big/"));
    assertThat(reconciler.removeOrphans()).as("both of alice's servers are hers").isEmpty();
    assertThat(reconciler.releaseLeakedReservations()).isEmpty();
    assertThat(cluster.owners()).containsExactlyInAnyOrder("server:alice", "server:alice/big");
    assertThat(cluster.agents.everywhere()).containsExactlyInAnyOrder(
        def.snapshot().primaryHostname() + "/gpuhub-alice", named.snapshot().primaryHostname() + "/gpuhub-alice_big");

    // stopping the named server leaves the default one as it was
    assertThat(after.stop(new dev.gpuhub.core.hub.ServerId("alice", "big"), "test")).isTrue();
    assertThat(reconciler.removeOrphans()).isEmpty();
    assertThat(cluster.agents.everywhere()).containsExactly(def.snapshot().primaryHostname() + "/gpuhub-alice");
    assertThat(after.server("alice").orElseThrow().snapshot().state()).isEqualTo(ServerState.RUNNING);
    assertThat(ledger.ended).containsExactly("alice/big");
    after.close();
  }

  private ActiveServer run(Spawner spawner, String user) {
    return run(spawner, dev.gpuhub.core.hub.ServerId.defaultOf(user));
  }

  private ActiveServer run(Spawner spawner, dev.gpuhub.core.hub.ServerId id) {
    String user = id.user();
    ActiveServer s = spawner.spawn(id, new SpawnOptions("single-cpu", null, null));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    // running and recorded (the record follows the state change by a moment)
    while ((s.snapshot().state() == ServerState.PENDING || ledger.runningServers().stream().noneMatch(r -> r.id().equals(id)))
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(s.snapshot().state()).isEqualTo(ServerState.RUNNING);
    assertThat(ledger.runningServers()).extracting(ActiveServer.Snapshot::user).contains(user);
    return s;
  }

  /** Records running servers as the hub's table would. */
  private static final class Ledger implements ServerLedger {
    private final Map<String, ActiveServer.Snapshot> running = new java.util.LinkedHashMap<>();
    private final Map<String, ActiveServer.Snapshot> pending = new java.util.LinkedHashMap<>();
    private final List<String> ended = new ArrayList<>();
    /** Servers whose "running" never reaches the ledger: the hub died between their start and that write. */
    private final java.util.Set<String> crashBeforeRunning = new java.util.HashSet<>();

    @Override
    public synchronized void requested(ActiveServer.Snapshot server) {
      pending.put(server.id().compact(), server);
    }

    @Override
    public synchronized List<ActiveServer.Snapshot> pendingServers() {
      return pending.values().stream().sorted(java.util.Comparator.comparing(ActiveServer.Snapshot::startedAt)).toList();
    }

    @Override
    public synchronized void running(ActiveServer.Snapshot server) {
      if (crashBeforeRunning.contains(server.id().compact())) return;
      pending.remove(server.id().compact());
      running.put(server.id().compact(), server);
    }

    @Override
    public synchronized void ended(dev.gpuhub.core.hub.ServerId server, ServerState state, String reason) {
      pending.remove(server.compact());
      running.remove(server.compact());
      ended.add(server.compact());
    }

    @Override
    public synchronized List<ActiveServer.Snapshot> runningServers() {
      return List.copyOf(running.values());
    }
  }
}
