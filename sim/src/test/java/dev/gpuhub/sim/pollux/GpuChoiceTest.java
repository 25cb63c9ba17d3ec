package dev.gpuhub.sim.pollux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which GPU a session gets: packed with other sessions, and never from a job at its minimum. */
class GpuChoiceTest {
  @Test
  void aSessionGoesToAFreeGpuOnTheNodeWithTheMostSessionsThenTheFullestNode() {
    int[] sessions = {0, 2, 1, 0};
    int[] jobs = {0, 1, 2, 4};
    // Free: node0 4, node1 1, node2 1, node3 0: node1 has the most sessions.
    assertThat(GpuChoice.freeNode(4, sessions, jobs, 0, 4)).isEqualTo(1);
    // Only nodes 2 and 3: node2, the one with a free GPU.
    assertThat(GpuChoice.freeNode(4, sessions, jobs, 2, 4)).isEqualTo(2);
    // Ties on sessions: the node with fewer free GPUs.
    assertThat(GpuChoice.freeNode(4, new int[] {0, 0}, new int[] {1, 3}, 0, 2)).isEqualTo(1);
    assertThat(GpuChoice.freeNode(4, new int[] {2, 2}, new int[] {2, 2}, 0, 2)).isEqualTo(-1);
  }

  @Test
  void aVictimIsAlwaysAboveItsMinimum() {
    Map<String, List<Integer>> alloc = new LinkedHashMap<>();
    alloc.put("atMin", List.of(0, 0));
    alloc.put("single", List.of(1));
    alloc.put("elastic", List.of(2, 2, 3));
    Map<String, Integer> min = new LinkedHashMap<>(Map.of("atMin", 2, "single", 1, "elastic", 1));
    int[] sessions = {3, 3, 0, 1};
    GpuChoice.Victim v = GpuChoice.victim(alloc, min, sessions);
    // Nodes 0 and 1 have more sessions, but their jobs are at their minimum: node 3 of "elastic".
    assertThat(v).isEqualTo(new GpuChoice.Victim("elastic", 3));
    assertThat(GpuChoice.without(alloc.get("elastic"), 3)).containsExactly(2, 2);
    assertThat(GpuChoice.victim(Map.of("a", List.of(0, 1)), Map.of("a", 2), sessions)).isNull();
    assertThat(GpuChoice.victim(Map.of("a", List.of(0)), Map.of("a", 1), sessions)).isNull();
  }

  @Test
  void amongElasticJobsTheBiggestLosesAGpu() {
    Map<String, List<Integer>> alloc = new LinkedHashMap<>();
    alloc.put("small", List.of(0, 0));
    alloc.put("big", List.of(0, 0, 1, 1));
    GpuChoice.Victim v = GpuChoice.victim(alloc, Map.of("small", 1, "big", 1), new int[] {0, 0});
    assertThat(v).isEqualTo(new GpuChoice.Victim("big", 0));
  }
}
