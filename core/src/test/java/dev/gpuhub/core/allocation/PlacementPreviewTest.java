package dev.gpuhub.core.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.node.GpuDevice;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.placement.NodeSelector;
import dev.gpuhub.core.placement.NotEnoughNodesException;
import dev.gpuhub.core.placement.ScoringConfig;
import dev.gpuhub.core.placement.SelectionAlgorithm;
import dev.gpuhub.core.placement.SelectionRequest;
import dev.gpuhub.core.placement.Thresholds;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The preview is the engine's own decision: whatever the state, a placement now goes where the preview said. */
class PlacementPreviewTest {
  private static final Thresholds OPEN = new Thresholds(100, 100, null);
  private static final List<PlacementPolicy> PREDICTABLE = List.of(PlacementPolicy.SPREAD, PlacementPolicy.PACK,
      PlacementPolicy.ROUND_ROBIN, PlacementPolicy.BEST_FIT, PlacementPolicy.LEAST_CONNECTIONS);

  private static void node(TestCluster c, String host, int cores, double ramGb, int gpus, double cpuUsage, int containers) {
    List<GpuDevice> devices = new ArrayList<>();
    for (int i = 0; i < gpus; i++) devices.add(new GpuDevice("Sim", i, "GPU-" + host + "-" + i, 16384L, 0L, 0.0, 0.0, 30.0));
    c.nodes.put(host, new NodeReport(host, "127.0.0.1", cores, ramGb, cpuUsage, 20.0, 10.0, gpus > 0, devices, 50, true,
        containers, containers, 0, c.now, 15003));
  }

  private static PlacementRequest request(String owner, PlacementPolicy policy, double cores, int gpus, int count) {
    return new PlacementRequest(owner, "p", cores, 2, gpus, count, OPEN, policy, List.of());
  }

  @Test
  void overRandomClusterStatesThePreviewNamesExactlyTheNodesAPlacementThenTakes() {
    Random random = new Random(11);
    int compared = 0;
    int waited = 0;
    for (int state = 0; state < 150; state++) {
      TestCluster c = new TestCluster();
      int nodes = 1 + random.nextInt(5);
      for (int n = 0; n < nodes; n++) {
        node(c, "n" + n, 4 + random.nextInt(12), 16 + random.nextInt(48), random.nextInt(3), random.nextInt(90),
            random.nextInt(6));
      }
      PlacementEngine engine = c.engine();
      for (int r = random.nextInt(6); r > 0; r--) { // some room already reserved
        try {
          engine.placeNow(request("held" + r, PlacementPolicy.SPREAD, 1 + random.nextInt(4), random.nextInt(2), 1));
        } catch (NotEnoughNodesException full) {
          // the state is as full as it gets
        }
      }
      for (PlacementPolicy policy : PREDICTABLE) {
        PlacementRequest req = request("probe", policy, 1 + random.nextInt(4), random.nextInt(2), 1 + random.nextInt(2));
        PlacementPreview preview = engine.preview(req);
        PlacementPreview again = engine.preview(req);
        assertThat(again).as("a preview changes nothing").isEqualTo(preview);
        assertThat(preview.exact()).isTrue();
        if (preview.placed()) {
          assertThat(engine.placeNow(req).hostnames()).as("state %d, %s", state, policy).isEqualTo(preview.chosen());
          engine.release("probe");
          compared++;
        } else {
          assertThatThrownBy(() -> engine.placeNow(req)).isInstanceOf(NotEnoughNodesException.class);
          assertThat(preview.chosen()).isEmpty();
          waited++;
        }
      }
    }
    assertThat(compared).as("states placed").isGreaterThan(300);
    assertThat(waited).as("states that had to wait").isGreaterThan(20);
  }

  @Test
  void whereTheSeedSelectorRanksOtherwiseThePreviewFollowsTheEnginesPolicy() {
    TestCluster c = new TestCluster();
    node(c, "quiet-but-reserved", 8, 32, 0, 5, 0);  // lowest load score, but most of it is held
    node(c, "busy-but-free", 8, 32, 0, 60, 0);       // higher load score, nothing held
    PlacementEngine engine = c.engine();
    engine.placeNow(new PlacementRequest("held", "p", 6, 24, 0, 1, OPEN, PlacementPolicy.SPREAD,
        List.of("quiet-but-reserved"), true));
    SelectionRequest seedView = new SelectionRequest(null, false, 1, 2, 1, OPEN, SelectionAlgorithm.BEST_FIT);
    String seedFirst = NodeSelector.seed(ScoringConfig.SEED, new Random(7))
        .rank(c.live(), seedView).get(0).hostname();
    assertThat(seedFirst).as("the seed selector's first choice").isEqualTo("quiet-but-reserved");

    PlacementRequest req = request("server:alice", PlacementPolicy.SPREAD, 1, 0, 1);
    PlacementPreview preview = engine.preview(req);
    assertThat(preview.chosen()).containsExactly("busy-but-free");
    assertThat(preview.candidates()).extracting(PlacementPreview.Candidate::hostname)
        .containsExactly("busy-but-free", "quiet-but-reserved");
    assertThat(engine.placeNow(req).hostnames()).isEqualTo(preview.chosen());
  }

  @Test
  void roundRobinIsPreviewedWithoutTakingItsTurn() {
    TestCluster c = new TestCluster();
    for (int i = 0; i < 3; i++) node(c, "n" + i, 8, 32, 0, 10, 0);
    PlacementEngine engine = c.engine();
    for (int turn = 0; turn < 5; turn++) {
      PlacementRequest req = request("rr" + turn, PlacementPolicy.ROUND_ROBIN, 1, 0, 1);
      List<String> previewed = engine.preview(req).chosen();
      assertThat(engine.preview(req).chosen()).isEqualTo(previewed);
      assertThat(engine.placeNow(req).hostnames()).isEqualTo(previewed);
    }
  }

  @Test
  void aFullClusterOrAQueueAheadIsShownAsTheReasonToWait_withEveryNodesReason() {
    TestCluster c = new TestCluster();
    node(c, "small", 2, 4, 0, 10, 0);
    node(c, "gpu", 8, 32, 1, 10, 0);
    PlacementEngine engine = c.engine();
    PlacementPreview twoGpus = engine.preview(request("x", PlacementPolicy.SPREAD, 1, 1, 2));
    assertThat(twoGpus.placed()).isFalse();
    assertThat(twoGpus.waitReason()).contains("needs 2 GPU nodes");
    assertThat(twoGpus.candidates()).filteredOn(cd -> !cd.eligible()).extracting(PlacementPreview.Candidate::hostname)
        .containsExactly("small");

    engine.placeNow(request("gpu-user", PlacementPolicy.SPREAD, 1, 1, 1));
    engine.submit(request("queued", PlacementPolicy.SPREAD, 1, 1, 1), java.time.Duration.ofMinutes(5));
    PlacementPreview behind = engine.preview(request("next", PlacementPolicy.SPREAD, 1, 1, 1));
    assertThat(behind.placed()).isFalse();
    assertThat(behind.chosen()).isEmpty();
  }

  @Test
  void randomPoliciesAreMarkedAsNotExact() {
    TestCluster c = new TestCluster();
    for (int i = 0; i < 3; i++) node(c, "n" + i, 8, 32, 0, 10, 0);
    PlacementPreview p = c.engine().preview(request("r", PlacementPolicy.RANDOM, 1, 0, 1));
    assertThat(p.exact()).isFalse();
    assertThat(p.chosen()).hasSize(1);
  }
}
