package dev.gpuhub.server.hub.spawn;

import static dev.gpuhub.server.hub.spawn.SpawnerTestKit.SINGLE;
import static dev.gpuhub.server.hub.spawn.SpawnerTestKit.awaitSettled;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.server.hub.proxy.RouteTable;
import dev.gpuhub.server.workload.PortClaims;
import dev.gpuhub.server.workload.TestCluster;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where a user's home sends their server, against fake agents: back to the node holding the home
 * when it has room (else elsewhere, the home moved first and verified), beside a running server only
 * there, and when that node is down, the user's choices (scratch or wait).
 */
class SpawnerHomesTest {
  private final RouteTable routes = new RouteTable(Clock.systemUTC());

  @Test
  void aSecondServerStartsOnlyWhereAPerNodeHomeIsInUseAndFailsWithTheReasonWhenThatNodeIsFull() {
    TestCluster two = new TestCluster().node("home", 8, 0, 60.0).node("spare", 8, 0, 40.0);
    Spawner s = SpawnerTestKit.spawner(two, new PortClaims(), routes, lastServerOn("home"));
    ActiveServer def = awaitSettled(s.spawn("ivy", new SpawnOptions("single-cpu", null, null)));
    assertThat(def.snapshot().nodes()).containsExactly("home");
    ActiveServer beside = awaitSettled(s.spawn(new dev.gpuhub.core.hub.ServerId("ivy", "two"),
        new SpawnOptions("single-cpu", null, null)));
    assertThat(beside.snapshot().nodes()).as("beside the default server, where the home is").containsExactly("home");
    assertThat(s.stop(new dev.gpuhub.core.hub.ServerId("ivy", "two"), "test")).isTrue();

    two.engine.placeNow(new dev.gpuhub.core.allocation.PlacementRequest("held", "p", 7, 1, 0, 1,
        new dev.gpuhub.core.placement.Thresholds(100, 100, null), dev.gpuhub.core.allocation.PlacementPolicy.SPREAD,
        List.of("home"), true));
    ActiveServer elsewhere = awaitSettled(s.spawn(new dev.gpuhub.core.hub.ServerId("ivy", "three"),
        new SpawnOptions("single-cpu", null, null)));
    assertThat(elsewhere.snapshot().state()).isEqualTo(ServerState.FAILED);
    assertThat(elsewhere.snapshot().failureReason()).contains("your home is on home, in use by ivy's server")
        .contains("could lose files");
    assertThat(two.agents.everywhere()).containsExactly("home/gpuhub-ivy");
    assertThat(def.snapshot().state()).isEqualTo(ServerState.RUNNING);
    s.close();
  }

  /** A ledger whose every user's last server ran on {@code node}. */
  private static ServerLedger lastServerOn(String node) {
    return new ServerLedger() {
      @Override public void running(ActiveServer.Snapshot server) {}
      @Override public void ended(dev.gpuhub.core.hub.ServerId server, ServerState state, String reason) {}
      @Override public List<ActiveServer.Snapshot> runningServers() {
        return List.of();
      }
      @Override public List<String> lastNodes(String user) {
        return List.of(node);
      }
    };
  }

  @Test
  void aReturningUserGoesBackToTheNodeHoldingTheirHomeWhenItHasRoomAndIsToldWhenItHasNot() {
    TestCluster three = new TestCluster().node("quiet", 8, 0, 5.0).node("home", 8, 0, 60.0).node("spare", 8, 0, 40.0);
    ServerLedger remembers = lastServerOn("home");
    Spawner s = SpawnerTestKit.spawner(three, new PortClaims(), routes, remembers);
    assertThat(s.placements().preview(SINGLE, 1).chosen()).as("a new user's plan").doesNotContain("home");
    assertThat(s.placements().preview("ivy", SINGLE, 1).chosen()).as("ivy's plan: back to her home").containsExactly("home");
    ActiveServer ivy = awaitSettled(s.spawn("ivy", new SpawnOptions("single-cpu", null, null)));
    assertThat(ivy.snapshot().nodes()).containsExactly("home");
    assertThat(ivy.progress().events().toString()).contains("Your home is on home");
    assertThat(s.homePreference("ivy", 2)).as("a two-node server has no one home node to go back to").isEmpty();

    // The home node is full: the server goes elsewhere, and the user learns where their files are.
    three.engine.placeNow(new dev.gpuhub.core.allocation.PlacementRequest("held", "p", 7, 1, 0, 1,
        new dev.gpuhub.core.placement.Thresholds(100, 100, null), dev.gpuhub.core.allocation.PlacementPolicy.SPREAD,
        List.of("home"), true));
    ActiveServer jay = awaitSettled(s.spawn("jay", new SpawnOptions("single-cpu", null, null)));
    assertThat(jay.snapshot().state()).isEqualTo(ServerState.RUNNING);
    assertThat(jay.snapshot().nodes()).doesNotContain("home");
    assertThat(jay.progress().events().toString()).contains("holding your home (home) had no room")
        .contains("your home moves there first");
    s.close();
  }

  private static final dev.gpuhub.wire.node.VolumeManifest IVYS_FILES = new dev.gpuhub.wire.node.VolumeManifest(
      List.of(new dev.gpuhub.wire.node.VolumeManifest.Entry("thesis.ipynb", 1234, "ab12")), 1234);

  @Test
  void aHomeMovesToTheNodeTheServerMustUseAndAFailedMoveKeepsTheOriginalAndSaysSo() {
    TestCluster three = new TestCluster().node("home", 8, 0, 60.0).node("spare", 8, 0, 40.0);
    three.agents.volume("home", "gpuhub-home-ivy", IVYS_FILES).volume("home", "gpuhub-home-jay", IVYS_FILES);
    three.engine.placeNow(new dev.gpuhub.core.allocation.PlacementRequest("held", "p", 8, 1, 0, 1,
        new dev.gpuhub.core.placement.Thresholds(100, 100, null), dev.gpuhub.core.allocation.PlacementPolicy.SPREAD,
        List.of("home"), true));
    Spawner s = SpawnerTestKit.spawner(three, new PortClaims(), routes, lastServerOn("home"));

    ActiveServer ivy = awaitSettled(s.spawn("ivy", new SpawnOptions("single-cpu", null, null)));
    assertThat(ivy.snapshot().state()).as(ivy.progress().events().toString()).isEqualTo(ServerState.RUNNING);
    assertThat(ivy.snapshot().nodes()).containsExactly("spare");
    assertThat(three.agents.volumesOn("spare")).containsEntry("gpuhub-home-ivy", IVYS_FILES);
    assertThat(three.agents.volumesOn("home")).as("the verified original is removed").doesNotContainKey("gpuhub-home-ivy");
    assertThat(ivy.progress().events().toString()).contains("Moving your home from home to spare: 1 files")
        .contains("Moved your home from home to spare").contains("checksums equal");

    three.agents.importFailsOn("spare");
    ActiveServer jay = awaitSettled(s.spawn("jay", new SpawnOptions("single-cpu", null, null)));
    assertThat(jay.snapshot().state()).isEqualTo(ServerState.FAILED);
    assertThat(jay.snapshot().failureReason()).contains("moving your home failed").contains("docker daemon stopped mid-archive")
        .contains("Your files on home are intact");
    assertThat(three.agents.volumesOn("home")).containsEntry("gpuhub-home-jay", IVYS_FILES);
    assertThat(three.agents.everywhere()).as("no container was started").noneMatch(n -> n.contains("jay"));
    s.close();
  }

  @Test
  void aHomeOnANodeThatIsDownStopsTheSpawnWithTheChoicesAndEachChoiceWorks() throws Exception {
    TestCluster cluster2 = new TestCluster().node("spare", 8, 0, 40.0);
    Spawner t = SpawnerTestKit.spawner(cluster2, new PortClaims(), routes, lastServerOn("gone"));
    ActiveServer kim = awaitSettled(t.spawn("kim", new SpawnOptions("single-cpu", null, null)));
    assertThat(kim.snapshot().state()).isEqualTo(ServerState.FAILED);
    assertThat(kim.snapshot().failureReason()).contains("your home is on gone, which is not reporting")
        .contains("Wait for gone").contains("empty scratch home");
    ProgressEvent last = kim.progress().events().get(kim.progress().events().size() - 1);
    assertThat(last.homeUnavailable()).isEqualTo("gone");
    assertThat(cluster2.agents.everywhere()).as("nothing started").isEmpty();

    // Scratch: runs now on another node, with nothing of the home mounted.
    kim = awaitSettled(t.spawn("kim", new SpawnOptions("single-cpu", null, null, List.of(), "scratch")));
    assertThat(kim.snapshot().state()).isEqualTo(ServerState.RUNNING);
    assertThat(cluster2.agents.request("spare", Spawner.containerName(dev.gpuhub.core.hub.ServerId.defaultOf("kim"))).volumes()).isEmpty();
    assertThat(kim.progress().events().toString()).contains("empty scratch home").contains("Your home stays on gone");
    assertThat(t.homePreference("kim", 1)).as("the home is still where it was").containsExactly("gone");
    assertThat(t.stop("kim", "done")).isTrue();

    // Wait: pending until the node reports again, then placed there.
    ActiveServer waiting = t.spawn("kim", new SpawnOptions("single-cpu", null, null, List.of(), "wait"));
    Thread.sleep(1500);
    assertThat(waiting.snapshot().state()).isEqualTo(ServerState.PENDING);
    assertThat(waiting.progress().events().toString()).contains("Waiting for gone, which holds your home");
    cluster2.node("gone", 8, 0, 10.0);
    awaitSettled(waiting);
    assertThat(waiting.snapshot().state()).as(waiting.progress().events().toString()).isEqualTo(ServerState.RUNNING);
    assertThat(waiting.snapshot().nodes()).containsExactly("gone");
    assertThat(cluster2.agents.request("gone", Spawner.containerName(dev.gpuhub.core.hub.ServerId.defaultOf("kim"))).volumes()).as("the home is mounted").isNotEmpty();
    t.close();
  }
}
