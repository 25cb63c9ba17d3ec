package dev.gpuhub.core.goodput.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.goodput.DesiredNodes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PolluxPolicyTest {
  /** Perfect scaling, with a 5 % loss per extra node. */
  static final SpeedupModel LINEAR = (n, r) -> r == 0 ? 0 : r * Math.pow(0.95, n - 1);
  /** Barely scales: 1 GPU = 1, each extra GPU adds 0.1. */
  static final SpeedupModel FLAT = (n, r) -> r == 0 ? 0 : 1 + 0.1 * (r - 1);

  private final PolluxPolicy policy = new PolluxPolicy(1L);

  static JobState job(String id, SpeedupModel speedup, int min, int max, List<Integer> current) {
    return new JobState(id, 0, 1, min, max, 0, 0, current, speedup, null, Metric.DEFAULT);
  }

  static JobState job(String id, SpeedupModel speedup, int max) {
    return job(id, speedup, 0, max, List.of());
  }

  @Test
  void neverOverfillsANodeAndKeepsEveryJobWithinItsBounds() {
    Random random = new Random(11);
    for (int round = 0; round < 40; round++) {
      ClusterShape cluster = new ClusterShape(1 + random.nextInt(6), 1 + random.nextInt(4));
      List<JobState> jobs = new ArrayList<>();
      int count = 1 + random.nextInt(12);
      for (int j = 0; j < count; j++) {
        SpeedupModel model = switch (random.nextInt(3)) {
          case 0 -> LINEAR;
          case 1 -> FLAT;
          default -> null;
        };
        int min = random.nextInt(3);
        int max = Math.max(min, 1) + random.nextInt(8);
        List<Integer> current = new ArrayList<>();
        for (int k = random.nextInt(3); k > 0; k--) current.add(random.nextInt(cluster.nodes() + 1)); // may name a lost node
        jobs.add(job("j" + j, model, min, max, current));
      }
      Map<String, List<Integer>> result = policy.allocate(jobs, cluster, 600);
      int[] used = new int[cluster.nodes()];
      assertThat(result.keySet()).containsExactlyElementsOf(jobs.stream().map(JobState::id).toList());
      for (JobState job : jobs) {
        List<Integer> alloc = result.get(job.id());
        for (int node : alloc) used[node]++;
        if (!alloc.isEmpty()) {
          assertThat(alloc.size()).isBetween(Math.max(1, job.minReplicas()), job.maxReplicas());
          if (job.speedup() == null) assertThat(alloc.size()).isEqualTo(Math.max(1, job.minReplicas()));
        }
      }
      for (int x = 0; x < cluster.nodes(); x++) assertThat(used[x]).isLessThanOrEqualTo(cluster.gpusPerNode());
    }
  }

  @Test
  void aJobThatScalesBetterGetsMoreGpus() {
    Map<String, List<Integer>> result = policy.allocate(
        List.of(job("flat", FLAT, 8), job("linear", LINEAR, 8)), new ClusterShape(1, 8), 3600);
    assertThat(result.get("linear").size()).isGreaterThan(result.get("flat").size());
    assertThat(result.get("flat")).isNotEmpty(); // the harmonic mean leaves nobody out
    assertThat(result.get("linear").size() + result.get("flat").size()).isEqualTo(8);
  }

  @Test
  void minReplicasMeansAllOrNothingAndMaxReplicasCaps() {
    ClusterShape cluster = new ClusterShape(1, 4);
    Map<String, List<Integer>> result = policy.allocate(
        List.of(job("big", LINEAR, 3, 4, List.of()), job("capped", LINEAR, 0, 2, List.of())), cluster, 3600);
    assertThat(result.get("capped")).hasSizeLessThanOrEqualTo(2).isNotEmpty();
    assertThat(result.get("big").size()).isIn(0, 3, 4);
    // Alone on the cluster, a job with min 3 gets at least 3.
    assertThat(policy.allocate(List.of(job("big", LINEAR, 3, 4, List.of())), cluster, 3600).get("big")).hasSize(4);
    // A minimum the cluster cannot meet pauses the job.
    assertThat(policy.allocate(List.of(job("huge", LINEAR, 5, 8, List.of())), cluster, 3600).get("huge")).isEmpty();
  }

  @Test
  void aJobWithUnknownSpeedupGetsOneGpu() {
    Map<String, List<Integer>> result = policy.allocate(List.of(job("new", null, 8)), new ClusterShape(2, 4), 60);
    assertThat(result.get("new")).hasSize(1);
  }

  @Test
  void packsAJobOnAsFewNodesAsPossible() {
    Map<String, List<Integer>> result = policy.allocate(
        List.of(job("wide", LINEAR, 4), job("one", FLAT, 1)), new ClusterShape(2, 4), 3600);
    assertThat(result.get("wide")).hasSize(4);
    assertThat(new HashSet<>(result.get("wide"))).hasSize(1);
    assertThat(result.get("one")).hasSize(1);
  }

  @Test
  void keepsAnAllocationWhenTheRestartCostOutweighsTheGain() {
    // Two GPUs now; two more are free and would double its speed, but it was restarted 5 times in
    // 200 s: moving now keeps max(200 - 5 x 30, 0) / (200 + 30) = 22 % of the new speedup.
    List<Integer> current = List.of(0, 0);
    JobState restless = new JobState("restless", 0, 1, 0, 4, 0, 5, current, LINEAR, null, Metric.DEFAULT);
    ClusterShape cluster = new ClusterShape(1, 4);
    assertThat(policy.allocate(List.of(restless), cluster, 200).get("restless")).isSameAs(current);

    // The same job without restarts (or with the penalty off) takes the free GPUs.
    JobState calm = new JobState("calm", 0, 1, 0, 4, 0, 0, current, LINEAR, null, Metric.DEFAULT);
    assertThat(policy.allocate(List.of(calm), cluster, 3600).get("calm")).hasSize(4);
    PolluxPolicy free = new PolluxPolicy(PolluxPolicy.Config.DEFAULTS.withRestartDelaySeconds(0), 1L);
    assertThat(free.allocate(List.of(restless), cluster, 200).get("restless")).hasSize(4);
  }

  @Test
  void keptAllocationsComeBackAsGivenAndMovedOnesSorted() {
    List<Integer> current = List.of(1, 0, 1, 0);
    JobState settled = new JobState("settled", 0, 1, 0, 4, 0, 0, current, LINEAR, null, Metric.DEFAULT);
    Map<String, List<Integer>> result = policy.allocate(List.of(settled), new ClusterShape(2, 2), 3600);
    assertThat(result.get("settled")).isSameAs(current); // 4 GPUs on 2 nodes is the best this cluster offers
    JobState stray = new JobState("stray", 0, 1, 0, 2, 0, 0, List.of(1, 0), LINEAR, null, Metric.DEFAULT);
    assertThat(policy.allocate(List.of(stray), new ClusterShape(2, 2), 3600).get("stray")).containsExactly(0, 0);
  }

  @Test
  void moreJobsThanGpusServesTheLeastAttainedServiceFirst() {
    List<JobState> jobs = new ArrayList<>();
    for (int j = 0; j < 6; j++) {
      jobs.add(new JobState("j" + j, 0, 1, 0, 4, 1000 - j * 100, 0, List.of(), LINEAR, null, Metric.DEFAULT));
    }
    Map<String, List<Integer>> result = policy.allocate(jobs, new ClusterShape(1, 4), 3600);
    assertThat(result.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey))
        .containsExactlyInAnyOrder("j2", "j3", "j4", "j5");
    assertThat(result.values().stream().mapToInt(List::size).max().orElseThrow()).isEqualTo(1);
  }

  @Test
  void isDeterministicForASeed() {
    Random random = new Random(5);
    List<JobState> jobs = new ArrayList<>();
    for (int j = 0; j < 30; j++) {
      double scale = 0.5 + random.nextDouble();
      SpeedupModel model = (n, r) -> r == 0 ? 0 : Math.pow(r, scale / 1.5) * Math.pow(0.9, n - 1);
      jobs.add(new JobState("j" + j, -random.nextInt(1000), 1, 0, 16, random.nextInt(5000), random.nextInt(3),
          List.of(), model, null, Metric.DEFAULT));
    }
    ClusterShape cluster = new ClusterShape(8, 4);
    Map<String, List<Integer>> first = new PolluxPolicy(42L).allocate(jobs, cluster, 120);
    assertThat(new PolluxPolicy(42L).allocate(jobs, cluster, 120)).isEqualTo(first);
    assertThat(new PolluxPolicy(42L).allocate(List.copyOf(jobs), cluster, 120)).isEqualTo(first);
  }

  @Test
  void emptyClusterPausesEverythingAndDuplicateIdsAreRejected() {
    Map<String, List<Integer>> result = policy.allocate(List.of(job("a", LINEAR, 4)), new ClusterShape(0, 4), 0);
    assertThat(result).containsEntry("a", List.of());
    assertThat(policy.allocate(List.of(), new ClusterShape(2, 4), 0)).isEmpty();
    assertThatThrownBy(() -> policy.allocate(List.of(job("a", LINEAR, 4), job("a", FLAT, 4)), new ClusterShape(1, 4), 0))
        .hasMessageContaining("'a' appears twice");
  }

  @Test
  void utilityAndDesiredNodesFollowTheAllocation() {
    List<JobState> jobs = List.of(job("flat", FLAT, 0, 8, List.of()));
    ClusterShape cluster = new ClusterShape(4, 4);
    Map<String, List<Integer>> result = policy.allocate(jobs, cluster, 3600);
    int gpus = result.get("flat").size();
    assertThat(PolluxPolicy.utility(jobs, result, cluster)).isEqualTo(FLAT.speedup(1, gpus) / 16);
    // One barely scaling job cannot use 4 nodes well: its utility is highest on 1 node, still under 0.35 => stay.
    assertThat(policy.desiredNodes(jobs, cluster, 3600, 1, 4, DesiredNodes.DEFAULT)).isEqualTo(4);
    List<JobState> many = new ArrayList<>();
    for (int j = 0; j < 8; j++) many.add(job("l" + j, LINEAR, 0, 4, List.of()));
    // Eight linear jobs would fill 8 nodes (utility ~1); a 4-node cluster is too busy, 1..4 all above 0.65 => closest is 4.
    assertThat(policy.desiredNodes(many, new ClusterShape(2, 4), 3600, 1, 4, DesiredNodes.DEFAULT)).isEqualTo(4);
  }

  @Test
  void validatesItsConfiguration() {
    assertThatThrownBy(() -> new PolluxPolicy.Config(-1, -1, 10, 0)).hasMessageContaining("restart delay");
    assertThatThrownBy(() -> new PolluxPolicy.Config(30, 2, 10, 0)).hasMessageContaining("fairness exponent");
    assertThatThrownBy(() -> new PolluxPolicy.Config(30, -1, -1, 0)).hasMessageContaining("maxSweeps");
  }
}
