package dev.gpuhub.core.placement;

import static dev.gpuhub.core.placement.Nodes.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.profile.DefaultProfiles;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NodeSelectorTest {
  // The seed's three nodes (seed 000, Kode Sumber 4.2).
  private final NodeReport rpl = node("rpl").cores(24).ram(67.11).usage(0.8, 15.7).containers(9, 10).build();
  private final NodeReport rpl02 = node("rpl-02").cores(20).ram(33.38).usage(0.5, 35.8).containers(2, 10).build();
  private final NodeReport chrstdan = node("chrstdan").cores(4).ram(18.79).usage(13.7, 69.5).containers(0, 10).build();
  private final List<NodeReport> seedNodes = List.of(chrstdan, rpl02, rpl);

  private static NodeSelector selector() {
    return NodeSelector.seed(ScoringConfig.SEED, new Random(42));
  }

  private static SelectionRequest request(int count, SelectionAlgorithm algorithm) {
    return new SelectionRequest(null, false, 0, 0, count, Thresholds.DEFAULT, algorithm);
  }

  private static List<String> hosts(SelectionOutcome o) {
    return o.selected().stream().map(ScoredNode::hostname).toList();
  }

  @Test
  void ranksBySeedLoadScore() {
    List<ScoredNode> ranked = selector().rank(seedNodes, request(1, SelectionAlgorithm.BEST_FIT));
    assertThat(ranked).extracting(ScoredNode::hostname).containsExactly("rpl", "rpl-02", "chrstdan");
    assertThat(ranked).extracting(ScoredNode::loadScore).containsExactly(13.2, 29.04, 66.56);
  }

  @Test
  void roundRobinRotatesOverScoreSortedCandidatesLikeTheSeed() {
    NodeSelector s = selector();
    List<String> picks = new java.util.ArrayList<>();
    SelectionOutcome last = null;
    for (int i = 0; i < 5; i++) {
      last = s.select(seedNodes, request(1, SelectionAlgorithm.ROUND_ROBIN));
      picks.add(hosts(last).get(0));
    }
    assertThat(picks).containsExactly("rpl", "rpl-02", "chrstdan", "rpl", "rpl-02");
    // The seed's example: counter 5 after the selection that chose rpl-02.
    assertThat(last.roundRobinCounter()).isEqualTo(5);
  }

  @Test
  void roundRobinForSeveralNodesTakesConsecutiveDistinctCandidates() {
    NodeSelector s = selector();
    s.select(seedNodes, request(1, SelectionAlgorithm.ROUND_ROBIN));
    s.select(seedNodes, request(1, SelectionAlgorithm.ROUND_ROBIN));
    assertThat(hosts(s.select(seedNodes, request(2, SelectionAlgorithm.ROUND_ROBIN)))).containsExactly("chrstdan", "rpl");
  }

  @Test
  void bestFitTakesLowestScores() {
    assertThat(hosts(selector().select(seedNodes, request(2, SelectionAlgorithm.BEST_FIT)))).containsExactly("rpl", "rpl-02");
  }

  @Test
  void leastConnectionsTakesFewestContainers() {
    assertThat(hosts(selector().select(seedNodes, request(2, SelectionAlgorithm.LEAST_CONNECTIONS))))
        .containsExactly("chrstdan", "rpl-02");
  }

  @Test
  void weightedRoundRobinFollowsCpuCapacity() {
    NodeSelector s = selector();
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 48; i++) {
      counts.merge(hosts(s.select(seedNodes, request(1, SelectionAlgorithm.WEIGHTED_ROUND_ROBIN))).get(0), 1, Integer::sum);
    }
    assertThat(counts).containsEntry("rpl", 24).containsEntry("rpl-02", 20).containsEntry("chrstdan", 4);
  }

  @Test
  void randomCoversEveryCandidateRoughlyEvenly() {
    NodeSelector s = selector();
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      counts.merge(hosts(s.select(seedNodes, request(1, SelectionAlgorithm.RANDOM))).get(0), 1, Integer::sum);
    }
    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(850, 1150));
  }

  @ParameterizedTest
  @EnumSource(SelectionAlgorithm.class)
  void everyAlgorithmReturnsNDistinctNodes(SelectionAlgorithm algorithm) {
    NodeSelector s = selector();
    for (int i = 0; i < 20; i++) {
      assertThat(hosts(s.select(seedNodes, request(3, algorithm)))).doesNotHaveDuplicates().hasSize(3);
      assertThat(hosts(s.select(seedNodes, request(2, algorithm)))).doesNotHaveDuplicates().hasSize(2);
    }
  }

  @ParameterizedTest
  @EnumSource(SelectionAlgorithm.class)
  void askingForMoreNodesThanEligibleFailsWithTheCount(SelectionAlgorithm algorithm) {
    assertThatThrownBy(() -> selector().select(seedNodes, request(4, algorithm)))
        .isInstanceOf(NotEnoughNodesException.class)
        .hasMessage("request needs 4 nodes; 3 are available");
  }

  @Test
  void gpuShortfallNamesTheProfileAndEveryRejectedNode() {
    NodeReport gpuNode = node("gpu-a").cores(16).ram(64).gpus(1).build();
    NodeReport cpuNode = node("cpu-b").cores(16).ram(64).build();
    NodeReport busy = node("gpu-c").cores(16).ram(64).gpus(2).usage(95.0, 20.0).build();
    SelectionRequest r = SelectionRequest.forProfile(DefaultProfiles.MULTI_GPU, 2, false, SelectionAlgorithm.ROUND_ROBIN);
    assertThatThrownBy(() -> selector().select(List.of(gpuNode, cpuNode, busy), r))
        .isInstanceOf(NotEnoughNodesException.class)
        .hasMessage("profile multi-gpu needs 2 GPU nodes; 1 is available "
            + "(cpu-b: no GPU; gpu-c: cpu usage 95% is over the limit of 80%)")
        .satisfies(e -> assertThat(((NotEnoughNodesException) e).rejected())
            .containsOnlyKeys("cpu-b", "gpu-c"));
  }

  @Test
  void noActiveNodesSaysSo() {
    assertThatThrownBy(() -> selector().select(List.of(), request(1, SelectionAlgorithm.ROUND_ROBIN)))
        .hasMessage("request needs 1 node; 0 are available (no active nodes: is an agent running and reporting?)");
  }

  @Test
  void filteredNodesAreNeverChosenByAnyAlgorithm() {
    NodeReport full = node("full").containers(10, 10).build();
    NodeReport hot = node("hot").usage(99.0, 10.0).build();
    NodeReport ok = node("ok").build();
    for (SelectionAlgorithm a : EnumSet.allOf(SelectionAlgorithm.class)) {
      NodeSelector s = selector();
      for (int i = 0; i < 10; i++) {
        SelectionOutcome o = s.select(List.of(full, hot, ok), request(1, a));
        assertThat(hosts(o)).containsExactly("ok");
        assertThat(o.rejected()).containsOnlyKeys("full", "hot");
      }
    }
  }

  @Test
  void requestCountMustBePositive() {
    assertThatThrownBy(() -> request(0, SelectionAlgorithm.RANDOM)).hasMessageContaining("num_nodes must be at least 1");
  }

  @Test
  void algorithmsParseFromWireNames() {
    assertThat(SelectionAlgorithm.fromWireName("weighted_round_robin")).isEqualTo(SelectionAlgorithm.WEIGHTED_ROUND_ROBIN);
    assertThatThrownBy(() -> SelectionAlgorithm.fromWireName("fastest"))
        .hasMessage("unknown algorithm 'fastest'; use one of round_robin, least_connections, weighted_round_robin, best_fit, random");
  }
}
