package dev.gpuhub.core.goodput.policy;

import static dev.gpuhub.core.goodput.policy.PolluxPolicyTest.LINEAR;
import static dev.gpuhub.core.goodput.policy.PolluxPolicyTest.FLAT;
import static dev.gpuhub.core.goodput.policy.PolluxPolicyTest.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Nodes with different free GPUs (what interactive sessions leave): Pollux plans each within its own. */
class UnevenNodesTest {
  private final PolluxPolicy policy = new PolluxPolicy(1L);

  @Test
  void anUnevenShapeKnowsEachNodesCapacity() {
    ClusterShape shape = ClusterShape.uneven(List.of(4, 4, 3, 1));
    assertThat(shape.nodes()).isEqualTo(4);
    assertThat(shape.gpusPerNode()).isEqualTo(4);
    assertThat(shape.capacity(2)).isEqualTo(3);
    assertThat(shape.totalGpus()).isEqualTo(12);
    assertThat(ClusterShape.uneven(List.of(2, 2))).as("all equal: homogeneous").isEqualTo(new ClusterShape(2, 2));
    assertThat(new ClusterShape(3, 4).capacity(1)).isEqualTo(4);
    assertThatThrownBy(() -> new ClusterShape(2, 4, List.of(4))).hasMessageContaining("one capacity per node");
    assertThatThrownBy(() -> new ClusterShape(1, 4, List.of(5))).hasMessageContaining("capacity must be 0..4");
    assertThatThrownBy(() -> ClusterShape.uneven(List.of(0, 0))).hasMessageContaining("needs a GPU");
  }

  @Test
  void polluxSeesEveryNodeWithItsOwnCapacityOthersTheLargestEvenPart() {
    Map<String, Integer> usable = new LinkedHashMap<>(Map.of("d", 1, "a", 4, "c", 3, "b", 4, "e", 0));
    PlannedNodes<String> pollux = PlannedNodes.forPolicy(usable, policy);
    assertThat(pollux.nodes()).containsExactly("a", "b", "c", "d");
    assertThat(pollux.shape()).isEqualTo(new ClusterShape(4, 4, List.of(4, 4, 3, 1)));
    PlannedNodes<String> even = PlannedNodes.forPolicy(usable, (jobs, cluster, now) -> Map.of());
    assertThat(even.shape()).isEqualTo(new ClusterShape(3, 3)); // 3 x 3 = 9 of the 12 usable
    assertThat(PlannedNodes.forPolicy(Map.of("a", 0), policy).shape().totalGpus()).isZero();
  }

  @Test
  void aJobThatScalesUsesTheLeftoverGpusTooAndNoNodeOverfills() {
    ClusterShape shape = ClusterShape.uneven(List.of(4, 4, 3, 1));
    Map<String, List<Integer>> result = policy.allocate(List.of(job("big", LINEAR, 12)), shape, 600);
    assertThat(result.get("big")).hasSize(12);
    assertWithinCapacity(shape, result);
  }

  @Test
  void randomUnevenClustersAreNeverOverfilled() {
    Random random = new Random(17);
    for (int round = 0; round < 40; round++) {
      int nodes = 1 + random.nextInt(6);
      List<Integer> capacities = new ArrayList<>();
      for (int x = 0; x < nodes; x++) capacities.add(random.nextInt(5));
      if (capacities.stream().allMatch(c -> c == 0)) capacities.set(0, 1);
      ClusterShape shape = ClusterShape.uneven(capacities);
      List<JobState> jobs = new ArrayList<>();
      for (int j = 1 + random.nextInt(8); j > 0; j--) {
        List<Integer> current = new ArrayList<>();
        for (int k = random.nextInt(5); k > 0; k--) current.add(random.nextInt(nodes)); // may overfill a node now
        jobs.add(job("j" + j, random.nextBoolean() ? LINEAR : FLAT, random.nextInt(2), 1 + random.nextInt(8), current));
      }
      assertWithinCapacity(shape, policy.allocate(jobs, shape, 600));
    }
  }

  private static void assertWithinCapacity(ClusterShape shape, Map<String, List<Integer>> result) {
    int[] used = new int[shape.nodes()];
    result.values().forEach(alloc -> alloc.forEach(x -> used[x]++));
    for (int x = 0; x < shape.nodes(); x++) {
      assertThat(used[x]).as("node " + x + " of " + shape).isLessThanOrEqualTo(shape.capacity(x));
    }
  }
}
