package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.server.discovery.PlacementConfig;
import dev.gpuhub.server.hub.proxy.RouteTable;
import dev.gpuhub.server.workload.PortClaims;
import dev.gpuhub.server.workload.TestCluster;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the spawner's tests share: their profiles and settings, a spawner over a test cluster, waiting for a start to settle. */
final class SpawnerTestKit {
  static final Profile SINGLE = new Profile(1, "single-cpu", "Single CPU", "", 1, 1, false, 1, 1, 100, 100);
  static final Profile MULTI = new Profile(2, "multi-cpu", "Multi CPU", "", 1, 1, false, 2, 2, 100, 100);
  static final Profile WORKERS = new Profile(3, "ray", "Ray", "", 1, 1, false, 2, 2, 100, 100);
  static final Map<String, Profile> PROFILES = Map.of(SINGLE.name(), SINGLE, MULTI.name(), MULTI, WORKERS.name(), WORKERS);
  /** Ports 20000-20009, a start timeout of 300 ms, worker mode "ray". */
  static final SpawnerConfig CONFIG = new SpawnerConfig("img", "img", SpawnerConfig.NOTEBOOK_COMMAND, Duration.ofMillis(300),
      20000, 20009, Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofMinutes(10),
      Map.of("ray", new WorkerMode("ray head --port={port}", "ray worker {primary_ip}:{port}")));

  private SpawnerTestKit() {}

  /** A spawner of {@link #PROFILES} and {@link #CONFIG} on {@code cluster}'s live nodes and fake agents. */
  static Spawner spawner(TestCluster cluster, PortClaims ports, RouteTable routes, ServerLedger ledger) {
    return new Spawner(CONFIG, new ClusterView(n -> Optional.ofNullable(PROFILES.get(n)), cluster::liveNodes,
        PlacementConfig.defaults(), false), cluster.launcher, ports, routes, ledger, Clock.systemUTC());
  }

  /**
   * The server once it left PENDING and its final progress event (ready or failed) is logged, or
   * after 10 s: the spawner records the state before it appends that event, so the state alone can
   * come first.
   */
  static ActiveServer awaitSettled(ActiveServer server) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while ((server.snapshot().state() == ServerState.PENDING || !lastEventIsFinal(server)) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    return server;
  }

  private static boolean lastEventIsFinal(ActiveServer server) {
    List<ProgressEvent> events = server.progress().events();
    return !events.isEmpty() && events.get(events.size() - 1).isFinal();
  }
}
