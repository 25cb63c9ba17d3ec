package dev.gpuhub.core.goodput.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The search against exhaustive enumeration on clusters small enough to enumerate. */
class PolluxSearchTest {
  private static final double RESTART_DELAY = 30;

  @Test
  void matchesTheExhaustiveOptimumOnSmallClusters() {
    Random random = new Random(2024);
    PolluxPolicy policy = new PolluxPolicy(PolluxPolicy.Config.DEFAULTS, 9L);
    int instances = 300;
    int optimal = 0;
    double worstGap = 0;
    for (int i = 0; i < instances; i++) {
      ClusterShape cluster = new ClusterShape(2 + random.nextInt(2), 2 + random.nextInt(2));
      List<JobState> jobs = randomJobs(random, cluster, 2 + random.nextInt(3));
      double now = 60 + random.nextInt(600);
      PolluxJob[] contexts = contexts(jobs, cluster, now);
      double best = exhaustive(contexts, cluster);
      double ours = objective(contexts, policy.allocate(jobs, cluster, now), cluster);
      assertThat(ours).isLessThanOrEqualTo(best + 1e-9);
      double gap = (best - ours) / Math.abs(best);
      worstGap = Math.max(worstGap, gap);
      if (gap < 1e-9) optimal++;
    }
    System.out.printf("pollux search: optimal on %d of %d small instances, worst relative gap %.4f%n",
        optimal, instances, worstGap);
    // A heuristic: it misses optima that need several jobs to move at once (e.g. a rotation of
    // three jobs between nodes), so allow a few near misses.
    assertThat(optimal).isGreaterThanOrEqualTo(instances * 85 / 100);
    assertThat(worstGap).isLessThan(0.10);
  }

  private static List<JobState> randomJobs(Random random, ClusterShape cluster, int count) {
    List<JobState> jobs = new ArrayList<>();
    int[] free = new int[cluster.nodes()];
    java.util.Arrays.fill(free, cluster.gpusPerNode());
    for (int j = 0; j < count; j++) {
      double exponent = 0.3 + 0.7 * random.nextDouble();
      double nodePenalty = 0.6 + 0.4 * random.nextDouble();
      SpeedupModel model = (n, r) -> r == 0 ? 0 : Math.pow(r, exponent) * Math.pow(nodePenalty, n - 1);
      List<Integer> current = new ArrayList<>();
      int want = random.nextInt(4);
      for (int k = 0; k < want; k++) {
        int x = random.nextInt(cluster.nodes());
        if (free[x] > 0) {
          free[x]--;
          current.add(x);
        }
      }
      int min = random.nextInt(4) == 0 ? 2 : 0;
      int max = Math.max(2, 1 + random.nextInt(cluster.totalGpus()));
      jobs.add(new JobState("j" + j, -random.nextInt(300), 1, min, max, random.nextInt(1000), random.nextInt(4),
          current, model, null, Metric.DEFAULT));
    }
    return jobs;
  }

  private static PolluxJob[] contexts(List<JobState> jobs, ClusterShape cluster, double now) {
    int fair = Math.max(1, (cluster.totalGpus() + jobs.size() - 1) / jobs.size());
    PolluxFitness fitness = new PolluxFitness(-1, 1.0 / cluster.gpusPerNode());
    PolluxJob[] contexts = new PolluxJob[jobs.size()];
    for (int j = 0; j < jobs.size(); j++) contexts[j] = new PolluxJob(jobs.get(j), cluster, fair, now, RESTART_DELAY, fitness);
    return contexts;
  }

  private static double objective(PolluxJob[] jobs, Map<String, List<Integer>> result, ClusterShape cluster) {
    double sum = 0;
    for (PolluxJob job : jobs) {
      int[] counts = new int[cluster.nodes()];
      for (int x : result.get(job.state.id())) counts[x]++;
      sum += score(job, counts);
    }
    return sum;
  }

  private static double score(PolluxJob job, int[] counts) {
    int replicas = 0;
    int nodes = 0;
    for (int c : counts) {
      replicas += c;
      if (c > 0) nodes++;
    }
    boolean changed = job.currentLost || !java.util.Arrays.equals(counts, job.current);
    return job.score(nodes, replicas, changed);
  }

  /** Best objective over every assignment of replicas to nodes that respects capacity and bounds. */
  private static double exhaustive(PolluxJob[] jobs, ClusterShape cluster) {
    int[][] counts = new int[jobs.length][cluster.nodes()];
    int[] free = new int[cluster.nodes()];
    java.util.Arrays.fill(free, cluster.gpusPerNode());
    return search(jobs, cluster, counts, free, 0, 0);
  }

  private static double search(PolluxJob[] jobs, ClusterShape cluster, int[][] counts, int[] free, int cell, double partial) {
    int nodes = cluster.nodes();
    if (cell == jobs.length * nodes) return partial;
    int j = cell / nodes;
    int x = cell % nodes;
    double best = Double.NEGATIVE_INFINITY;
    for (int c = 0; c <= free[x]; c++) {
      counts[j][x] = c;
      free[x] -= c;
      double next = partial;
      boolean valid = true;
      if (x == nodes - 1) {
        int replicas = java.util.Arrays.stream(counts[j]).sum();
        valid = jobs[j].allows(replicas);
        next += score(jobs[j], counts[j]);
      }
      if (valid) best = Math.max(best, search(jobs, cluster, counts, free, cell + 1, next));
      free[x] += c;
      counts[j][x] = 0;
    }
    return best;
  }
}
