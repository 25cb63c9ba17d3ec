package dev.gpuhub.sim.pollux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.core.goodput.policy.ClusterShape;
import dev.gpuhub.core.goodput.policy.JobState;
import dev.gpuhub.core.goodput.policy.Metric;
import dev.gpuhub.core.goodput.policy.RemainingTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tiresias and Optimus on small hand-checked rounds. */
class BaselinePoliciesTest {

  private static JobState tiresias(String id, int gpus, Map<String, List<Integer>> current) {
    return new JobState(id, 0, gpus, gpus, gpus, 0, 0, current.get(id), null, null, Metric.DEFAULT);
  }

  @Test
  void tiresiasRunsInQueueOrderSkipsWhatDoesNotFitAndDemotesByGpuTime() {
    TiresiasPolicy p = new TiresiasPolicy(1000);
    ClusterShape cluster = new ClusterShape(2, 4);
    Map<String, List<Integer>> alloc = Map.of();
    // Round at t=60: A (8 GPUs) arrived first and takes the whole cluster; B and C wait.
    alloc = p.allocate(List.of(tiresias("A", 8, alloc), tiresias("B", 2, alloc), tiresias("C", 4, alloc)), cluster, 60);
    assertThat(alloc).containsOnlyKeys("A");
    assertThat(alloc.get("A")).containsExactly(0, 0, 0, 0, 1, 1, 1, 1);
    // A's service: 60 s x 8 GPUs = 480, then 960 GPU-seconds: still in the first queue.
    for (int t = 120; t <= 180; t += 60) {
      alloc = p.allocate(List.of(tiresias("A", 8, alloc), tiresias("B", 2, alloc), tiresias("C", 4, alloc)), cluster, t);
      assertThat(alloc).containsOnlyKeys("A");
    }
    // t=240: 180 s x 8 = 1440 >= 1000: A drops to the second queue and is preempted; B and C run.
    alloc = p.allocate(List.of(tiresias("A", 8, alloc), tiresias("B", 2, alloc), tiresias("C", 4, alloc)), cluster, 240);
    assertThat(alloc).containsOnlyKeys("B", "C");
    assertThat(alloc.get("B")).containsExactly(0, 0);
    assertThat(alloc.get("C")).containsExactly(1, 1, 1, 1);
    // When B finishes, A still does not fit in what C leaves: the cluster stays as it is.
    alloc = p.allocate(List.of(tiresias("A", 8, alloc), tiresias("C", 4, alloc)), cluster, 300);
    assertThat(alloc).containsOnlyKeys("C");
    assertThat(alloc.get("C")).containsExactly(1, 1, 1, 1);
  }

  private static JobState optimus(String id, int max, RemainingTime remaining, List<Integer> current) {
    return new JobState(id, 0, 1, 1, max, 0, 0, current, null, remaining, Metric.DEFAULT);
  }

  @Test
  void optimusGivesEachJobOneGpuThenTheRestByLargestTimeSaved() {
    OptimusPolicy p = new OptimusPolicy();
    ClusterShape cluster = new ClusterShape(1, 4);
    RemainingTime a = r -> 100.0 / r;
    RemainingTime b = r -> 1000.0 / r;
    // Gains after one GPU each: a 50, b 500 -> b; then a 50, b 166.7 -> b; no GPU left.
    Map<String, List<Integer>> alloc = p.allocate(List.of(optimus("a", 4, a, null), optimus("b", 4, b, null)), cluster, 60);
    assertThat(alloc.get("a")).hasSize(1);
    assertThat(alloc.get("b")).hasSize(3);
    // Same counts next round: both keep their GPUs exactly.
    Map<String, List<Integer>> again = p.allocate(
        List.of(optimus("a", 4, a, alloc.get("a")), optimus("b", 4, b, alloc.get("b"))), cluster, 120);
    assertThat(again).isEqualTo(alloc);
  }

  @Test
  void optimusRespectsMaxReplicasAndStopsWhenNothingGains() {
    OptimusPolicy p = new OptimusPolicy();
    ClusterShape cluster = new ClusterShape(2, 4);
    RemainingTime flat = r -> 500.0;
    RemainingTime fast = r -> 1000.0 / r;
    Map<String, List<Integer>> alloc = p.allocate(
        List.of(optimus("flat", 8, flat, null), optimus("capped", 2, fast, null)), cluster, 60);
    assertThat(alloc.get("flat")).hasSize(1);
    assertThat(alloc.get("capped")).hasSize(2);
    // More jobs than GPUs: the first eight get one each, the rest none.
    List<JobState> many = new ArrayList<>();
    for (int i = 0; i < 10; i++) many.add(optimus("j" + i, 8, fast, null));
    Map<String, List<Integer>> crowded = p.allocate(many, cluster, 60);
    assertThat(crowded).hasSize(8).containsKeys("j0", "j7").doesNotContainKeys("j8", "j9");
  }
}
