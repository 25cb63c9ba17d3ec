package dev.gpuhub.core.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The planner against exhaustive search on generated small instances (at most 6 nodes and 4 services):
 * for the plan it chooses, the fewest active nodes any feasible placement needs at the same or better
 * throughput sufficiency. Acceptance: the mean of {@code planner's nodes / that optimum} is within 5 %.
 */
class OptimalityTest {
  private static final int INSTANCES = 60;

  @Test
  void chosenNodeCountIsWithinFivePercentOfTheExhaustiveOptimum() {
    Random random = new Random(20251122);
    EpsilonNsga2Planner planner = new EpsilonNsga2Planner();
    double sum = 0;
    double worst = 1;
    int exact = 0;
    int feasible = 0;
    long plannerNanos = 0;
    long exhaustiveNanos = 0;
    int[] byOptimum = new int[7];
    for (int i = 0; i < INSTANCES; i++) {
      ReplicaProblem p = Instances.next(random, 7);
      long t0 = System.nanoTime();
      ReplicaPlan plan = planner.plan(p, i);
      long t1 = System.nanoTime();
      Exhaustive ex = new Exhaustive(p, 1);
      plannerNanos += t1 - t0;
      exhaustiveNanos += System.nanoTime() - t1;
      boolean anyFeasible = ex.fewestNodes(Double.POSITIVE_INFINITY) != Integer.MAX_VALUE;
      assertThat(plan.feasible()).as("instance %d: feasible iff some placement is", i).isEqualTo(anyFeasible);
      if (!plan.feasible()) continue;
      feasible++;
      assertThat(p.feasible(plan.placement())).isTrue();
      int optimum = ex.fewestNodes(plan.throughputSufficiency());
      double ratio = (double) plan.activeNodes() / optimum;
      assertThat(ratio).as("instance %d cannot beat exhaustive search", i).isGreaterThanOrEqualTo(1.0);
      sum += ratio;
      worst = Math.max(worst, ratio);
      if (plan.activeNodes() == optimum) exact++;
      byOptimum[optimum]++;
    }
    double mean = sum / feasible;
    System.out.printf("optimality: %d instances (%d feasible), mean ratio %.4f, worst %.3f, exact %d; "
        + "planner %d ms, exhaustive %d ms; instances by optimum 1..6 nodes: %s%n", INSTANCES, feasible, mean,
        worst, exact, plannerNanos / 1_000_000, exhaustiveNanos / 1_000_000,
        java.util.Arrays.toString(java.util.Arrays.copyOfRange(byOptimum, 1, 7)));
    assertThat(feasible).isGreaterThanOrEqualTo(50);
    assertThat(mean).isLessThanOrEqualTo(1.05);
  }
}
