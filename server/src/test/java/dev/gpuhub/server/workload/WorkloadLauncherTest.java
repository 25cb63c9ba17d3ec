package dev.gpuhub.server.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.allocation.PlacementPolicy;
import dev.gpuhub.core.allocation.PlacementRequest;
import dev.gpuhub.core.placement.Thresholds;
import dev.gpuhub.wire.node.ContainerRequest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one launcher: all or nothing, whatever fails, and adoption after a restart. */
class WorkloadLauncherTest {
  private final TestCluster cluster = new TestCluster().node("a", 8, 0).node("b", 8, 0);
  private final FakeAgents agents = cluster.agents;

  @BeforeEach
  void reserve() {
    reserveOn("w", "a", "b");
  }

  private void reserveOn(String owner, String... hosts) {
    cluster.engine.placeNow(new PlacementRequest(owner, "test", 1, 1, 0, hosts.length, new Thresholds(100, 100, null),
        PlacementPolicy.SPREAD, List.of(hosts), true));
  }

  private Workload.Unit unit(String owner, String host, String name, int port) {
    ContainerRequest request = new ContainerRequest(name, "img", List.of(), Map.of("GPUHUB_PORT", Integer.toString(port)),
        Map.of(Labels.KIND, Labels.KIND_SERVER), 1, ContainerRequest.bytesOfGib(1), List.of(),
        List.of(port));
    return new Workload.Unit(owner, cluster.endpoint(host), request,
        Readiness.http(URI.create("http://" + cluster.endpoint(host).ip() + ":" + port + "/")), name + " on " + host);
  }

  private Workload twoNodes() {
    return new Workload("w", List.of(unit("w", "a", "w-a", 20001), unit("w", "b", "w-b", 20002)), Duration.ofMillis(200));
  }

  @Test
  void aLaunchStartsEveryContainerAndBindsTheReservation() {
    List<String> events = new ArrayList<>();
    Workload.Running running = cluster.launcher.launch(twoNodes(), new Workload.Listener() {
      @Override
      public void started(Workload.Started s) {
        events.add("started " + s.unit().container().name());
      }

      @Override
      public void allStarted(List<Workload.Started> started) {
        events.add("all " + started.size());
      }
    });
    assertThat(running.started()).hasSize(2);
    assertThat(events).containsExactly("started w-a", "started w-b", "all 2");
    assertThat(agents.everywhere()).containsExactly("a/w-a", "b/w-b");
    assertThat(cluster.engine.reservationsOf("w")).allSatisfy(r -> {
      assertThat(r.state().name()).isEqualTo("BOUND");
      assertThat(r.containerId()).isEqualTo(agents.on(r.hostname()).get("w-" + r.hostname()).id());
    });
  }

  @Test
  void whenTheSecondStartFailsTheFirstContainerAndTheReservationAreGone() {
    agents.startFailsOn("b");
    assertThatThrownBy(() -> cluster.launcher.launch(twoNodes(), Workload.Listener.NONE))
        .isInstanceOf(LaunchException.class).hasMessageContaining("not found");
    assertNothingLeft();
  }

  @Test
  void aContainerThatNeverAnswersTimesOutAndIsRolledBack() {
    agents.neverReady("w-b");
    assertThatThrownBy(() -> cluster.launcher.launch(twoNodes(), Workload.Listener.NONE))
        .isInstanceOf(LaunchException.class).hasMessageContaining("w-b on b did not answer within 0 s");
    assertNothingLeft();
  }

  @Test
  void aContainerThatExitsIsReportedWithItsExitCodeAndLogs() {
    agents.exitsAtOnce("w-a");
    assertThatThrownBy(() -> cluster.launcher.launch(twoNodes(), Workload.Listener.NONE))
        .isInstanceOf(LaunchException.class).hasMessageContaining("stopped before it answered (exit code 1)")
        .hasMessageContaining("fake logs");
    assertNothingLeft();
  }

  @Test
  void aNodeLostMidStartLeavesNothingOnTheOthersAndItsLeftoverIsRemovedByNameLater() {
    agents.vanishOnStart("b");
    assertThatThrownBy(() -> cluster.launcher.launch(twoNodes(), Workload.Listener.NONE))
        .isInstanceOf(AgentCallException.class).hasMessageContaining("not reachable");
    assertThat(agents.on("a")).isEmpty();
    assertThat(cluster.owners()).isEmpty();
    agents.reachable("b"); // what b ran is still there: the next launch of the same workload clears it by name
    reserve();
    cluster.launcher.launch(twoNodes(), Workload.Listener.NONE);
    assertThat(agents.everywhere()).containsExactly("a/w-a", "b/w-b");
  }

  @Test
  void aReservationThatLapsedBeforeTheBind_asAfterAHubRestart_failsTheLaunchAndLeavesNoContainer() {
    Workload w = twoNodes();
    cluster.engine.release("w"); // the hub restarted between reserve and bind: the hold is gone
    assertThatThrownBy(() -> cluster.launcher.launch(w, Workload.Listener.NONE))
        .isInstanceOf(LaunchException.class).hasMessageContaining("lapsed");
    assertNothingLeft();
  }

  @Test
  void stopRemovesEveryContainerAndReleasesEvenWhenANodeIsUnreachable() {
    Workload.Running running = cluster.launcher.launch(twoNodes(), Workload.Listener.NONE);
    agents.vanishOnStart("a");
    agents.start(cluster.endpoint("a"), new ContainerRequest("other", "img", null, null, null, 0, 0, null, null));
    cluster.launcher.stop(running.refs(), List.of("w"));
    assertThat(agents.on("b")).isEmpty();
    assertThat(cluster.owners()).isEmpty();
  }

  @Test
  void adoptionKeepsARunningReadyContainerAndBindsItsReservation() {
    Workload.Running running = cluster.launcher.launch(twoNodes(), Workload.Listener.NONE);
    Workload.Started first = running.started().get(0);
    assertThat(cluster.launcher.adopt(first.unit(), first.containerId(), Duration.ofMillis(100))).contains(first);
    assertThat(agents.everywhere()).containsExactly("a/w-a", "b/w-b");
    assertThat(cluster.owners()).containsExactly("w");
  }

  @Test
  void aContainerThatDiedWhileTheHubWasDownIsNotAdopted_itsReservationIsReleased() {
    Workload.Running running = cluster.launcher.launch(twoNodes(), Workload.Listener.NONE);
    agents.crash("a", "w-a");
    Workload.Started first = running.started().get(0);
    assertThat(cluster.launcher.adopt(first.unit(), first.containerId(), Duration.ofMillis(100))).isEmpty();
    assertThat(agents.on("a")).isEmpty();
    assertThat(cluster.owners()).isEmpty();
  }

  @Test
  void reservingAndLaunchingInOneCallLeavesNoReservationWhenTheLayoutOrTheStartFails() {
    cluster.engine.release("w");
    PlacementRequest room = new PlacementRequest("one", "test", 1, 1, 0, 1, new Thresholds(100, 100, null),
        PlacementPolicy.SPREAD, List.of("a"), true);
    assertThatThrownBy(() -> cluster.launcher.launch(room, placed -> {
      throw new LaunchException("no port left");
    }, Workload.Listener.NONE)).hasMessage("no port left");
    assertNothingLeft();
    agents.startFailsOn("a");
    assertThatThrownBy(() -> cluster.launcher.launch(room,
        placed -> new Workload("one", List.of(unit("one", "a", "one-a", 20003)), Duration.ofMillis(100)),
        Workload.Listener.NONE)).isInstanceOf(LaunchException.class);
    assertNothingLeft();
    agents.reachable("a");
  }

  @Test
  void somethingElseAnsweringOnThePortDoesNotMakeADeadContainerReady() {
    agents.exitsAtOnce("w-b");
    WorkloadLauncher squatted = new WorkloadLauncher(cluster.engine, agents, r -> true, Duration.ofMillis(1),
        Duration.ofMillis(1));
    assertThatThrownBy(() -> squatted.launch(twoNodes(), Workload.Listener.NONE)).isInstanceOf(LaunchException.class)
        .hasMessageContaining("w-b on b stopped before it answered (exit code 1)");
    assertNothingLeft();
  }

  private void assertNothingLeft() {
    assertThat(agents.everywhere()).as("containers left on the nodes").isEmpty();
    assertThat(cluster.owners()).as("reservations left").isEmpty();
  }
}
