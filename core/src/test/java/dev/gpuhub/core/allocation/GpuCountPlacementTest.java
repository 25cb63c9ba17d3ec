package dev.gpuhub.core.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.placement.NotEnoughNodesException;
import dev.gpuhub.core.profile.GpuConstraint;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Profiles asking for several GPUs, and for GPUs of a model or with enough memory. */
class GpuCountPlacementTest {
  private static final GpuConstraint A100 = new GpuConstraint("*A100*", 0);

  private static TestCluster cluster() {
    return new TestCluster()
        .node("t4-box", 32, 128, 4, 10, "Tesla T4", 15360L)
        .node("a100-box", 32, 128, 2, 10, "NVIDIA A100-SXM4-80GB", 81920L)
        .node("one-a100", 32, 128, 1, 10, "NVIDIA A100-PCIE-40GB", 40960L);
  }

  @Test
  void twoGpusAreTwoDistinctDevicesOnOneNode() {
    TestCluster c = cluster();
    PlacementEngine engine = c.engine();
    Placement p = engine.placeNow(TestCluster.gpus("ada", 2, GpuConstraint.ANY, 1));
    Reservation r = p.reservations().get(0);
    assertThat(r.gpuUuids()).hasSize(2).doesNotHaveDuplicates().allMatch(u -> u.startsWith("GPU-" + r.hostname() + "-"));
    // three more 2-GPU servers: only the 4-GPU node has room for a second pair, then nothing
    engine.placeNow(TestCluster.gpus("bob", 2, GpuConstraint.ANY, 1));
    engine.placeNow(TestCluster.gpus("cy", 2, GpuConstraint.ANY, 1));
    assertThatThrownBy(() -> engine.placeNow(TestCluster.gpus("dee", 2, GpuConstraint.ANY, 1)))
        .isInstanceOf(NotEnoughNodesException.class);
    List<String> held = engine.reservations().stream().flatMap(x -> x.gpuUuids().stream()).toList();
    assertThat(new HashSet<>(held)).hasSize(held.size()).hasSize(6);
    TestCluster.checkInvariants(engine, c);
  }

  @Test
  void aModelConstraintSendsTheRequestOnlyToMatchingNodes() {
    TestCluster c = cluster();
    PlacementEngine engine = c.engine();
    for (String owner : List.of("a", "b", "c")) {
      Placement p = engine.placeNow(TestCluster.gpus(owner, 1, A100, 1));
      assertThat(p.reservations().get(0).hostname()).isIn("a100-box", "one-a100");
      assertThat(p.rejected()).containsKey("t4-box");
      assertThat(p.rejected().get("t4-box")).contains("GPUs matching '*A100*'");
    }
    // the A100s are all held; the free T4s do not count
    assertThatThrownBy(() -> engine.placeNow(TestCluster.gpus("d", 1, A100, 1)))
        .isInstanceOf(NotEnoughNodesException.class).hasMessageContaining("GPUs matching '*A100*'");
  }

  @Test
  void aMinimumMemoryKeepsSmallGpusOut() {
    TestCluster c = cluster();
    PlacementEngine engine = c.engine();
    Placement p = engine.placeNow(TestCluster.gpus("ada", 2, new GpuConstraint(null, 64), 1));
    assertThat(p.reservations().get(0).hostname()).isEqualTo("a100-box");
  }

  @Test
  void nodesThatHaveTheImageArePreferredWhenEnoughOfThemHaveRoom() {
    TestCluster c = new TestCluster().node("plain-1", 32, 128, 0, 10).node("plain-2", 32, 128, 0, 10)
        .node("has-it", 32, 128, 0, 10);
    var has = c.nodes.get("has-it");
    c.nodes.put("has-it", new dev.gpuhub.core.node.NodeReport(has.hostname(), has.ip(), has.cpuCores(), has.ramGb(),
        has.cpuUsagePercent(), has.memoryUsagePercent(), has.diskUsagePercent(), has.hasGpu(), has.gpuInfo(),
        has.maxContainers(), true, 0, 0, 0, has.lastUpdated(), has.agentPort(), null, List.of("lab/pytorch:2.3")));
    PlacementEngine engine = c.engine();
    for (String owner : List.of("a", "b", "c")) {
      Placement p = engine.placeNow(TestCluster.cpu(owner, 1, 1, 1).withImage("lab/pytorch:2.3"));
      assertThat(p.reservations().get(0).hostname()).as(owner).isEqualTo("has-it");
      assertThat(p.rejected().get("plain-1")).contains("does not have image lab/pytorch:2.3");
    }
    // two nodes asked for, one has the image: no preference, both kinds are used
    Placement two = engine.placeNow(TestCluster.cpu("d", 1, 1, 2).withImage("lab/pytorch:2.3"));
    assertThat(two.reservations()).hasSize(2);
    // another image: no node has it, every node may be chosen
    assertThat(engine.placeNow(TestCluster.cpu("e", 1, 1, 1).withImage("lab/other:1")).rejected()).isEmpty();
  }

  @Test
  void aRequestNoNodeCouldEverMeetFailsAtOnceNamingTheConstraint() {
    TestCluster c = cluster();
    PlacementTicket t = c.engine().submit(TestCluster.gpus("ada", 3, A100, 1), java.time.Duration.ofMinutes(5));
    assertThat(t.result()).isCompletedExceptionally();
    assertThatThrownBy(() -> t.result().join()).hasMessageContaining("has 2 GPUs matching '*A100*'; 3 are needed");
  }
}
