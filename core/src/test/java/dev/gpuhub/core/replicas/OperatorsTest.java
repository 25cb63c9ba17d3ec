package dev.gpuhub.core.replicas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.moeaframework.core.Solution;

class OperatorsTest {
  private final ReplicaProblem problem = Voting.scenario(2); // vote 1..10, result 1..13
  private final PlacementMoeaProblem moea = new PlacementMoeaProblem(problem);

  private Solution[] population(long seed, int size) {
    return new ReplicaInitialization(moea, new Random(seed)).initialize(size);
  }

  @Test
  void initialSolutionsAreWellFormedAndSpanNodeCounts() {
    Solution[] pop = population(1, 200);
    java.util.Set<Integer> nodeCounts = new java.util.TreeSet<>();
    for (Solution s : pop) {
      Placement p = PlacementMoeaProblem.placement(s);
      assertThat(problem.wellFormed(p)).as("%s", p).isTrue();
      nodeCounts.add(p.activeNodes());
    }
    assertThat(nodeCounts).containsExactly(1, 2, 3, 4, 5);
    // the greedy starts: closest counts (vote 1250/130 -> 10, result 2200/180 -> 12) on k largest nodes
    Placement three = ReplicaInitialization.greedy(problem, 3);
    assertThat(three.activeNodes()).isLessThanOrEqualTo(3);
    assertThat(problem.feasible(three)).isTrue();
    assertThat(ReplicaInitialization.closestCount(problem, 0)).isEqualTo(10);
    assertThat(ReplicaInitialization.closestCount(problem, 1)).isEqualTo(12);
  }

  @Test
  void crossoverKeepsChildrenWellFormedAndSwapsTailsPerService() {
    Random random = new Random(7);
    ServiceCrossover crossover = new ServiceCrossover(random, 1.0);
    Solution[] pop = population(2, 100);
    for (int trial = 0; trial < 5000; trial++) {
      Solution a = pop[random.nextInt(pop.length)];
      Solution b = pop[random.nextInt(pop.length)];
      Placement pa = PlacementMoeaProblem.placement(a);
      Placement pb = PlacementMoeaProblem.placement(b);
      Solution[] children = crossover.evolve(new Solution[] {a, b});
      Placement c1 = PlacementMoeaProblem.placement(children[0]);
      Placement c2 = PlacementMoeaProblem.placement(children[1]);
      assertThat(problem.wellFormed(c1)).isTrue();
      assertThat(problem.wellFormed(c2)).isTrue();
      assertThat(PlacementMoeaProblem.placement(a)).isEqualTo(pa); // parents untouched
      assertThat(PlacementMoeaProblem.placement(b)).isEqualTo(pb);
      for (int j = 0; j < problem.serviceCount(); j++) {
        // child 1 keeps B's count, child 2 A's; together they hold exactly the parents' replicas
        assertThat(c1.replicas(j)).isEqualTo(pb.replicas(j));
        assertThat(c2.replicas(j)).isEqualTo(pa.replicas(j));
        int[] pooledParents = concatSorted(pa.hosts(j), pb.hosts(j));
        int[] pooledChildren = concatSorted(c1.hosts(j), c2.hosts(j));
        assertThat(pooledChildren).containsExactly(pooledParents);
        if (!problem.service(j).scalable()) {
          assertThat(c1.hosts(j)).containsExactly(pa.hosts(j)); // one-replica segments stay
        }
      }
    }
  }

  @Test
  void crossoverAtRateZeroCopiesTheParents() {
    Solution[] pop = population(3, 2);
    Solution[] children = new ServiceCrossover(new Random(1), 0.0).evolve(pop);
    assertThat(children[0]).isNotSameAs(pop[0]);
    assertThat(PlacementMoeaProblem.placement(children[0])).isEqualTo(PlacementMoeaProblem.placement(pop[0]));
    assertThat(PlacementMoeaProblem.placement(children[1])).isEqualTo(PlacementMoeaProblem.placement(pop[1]));
  }

  @Test
  void tailSwapOfOneSegment() {
    assertThat(ServiceCrossover.join(new int[] {0, 1, 2}, new int[] {3, 4, 4, 4, 4}, 1)).containsExactly(0, 1, 4, 4, 4);
    assertThat(ServiceCrossover.join(new int[] {3, 4, 4, 4, 4}, new int[] {0, 1, 2}, 1)).containsExactly(3, 4, 2);
    assertThat(ServiceCrossover.join(new int[] {2}, new int[] {0}, 0)).containsExactly(2);
  }

  @Test
  void growthAndShrinkKeepSolutionsWellFormed() {
    Random random = new Random(11);
    GrowShrinkMutation mutation = new GrowShrinkMutation(random, 1.0);
    Solution[] pop = population(4, 100);
    int grew = 0;
    int shrank = 0;
    for (int trial = 0; trial < 5000; trial++) {
      Solution parent = pop[random.nextInt(pop.length)];
      Placement before = PlacementMoeaProblem.placement(parent);
      Solution child = mutation.mutate(parent);
      Placement after = PlacementMoeaProblem.placement(child);
      assertThat(problem.wellFormed(after)).isTrue();
      assertThat(PlacementMoeaProblem.placement(parent)).isEqualTo(before);
      for (int j = 0; j < problem.serviceCount(); j++) {
        int delta = after.replicas(j) - before.replicas(j);
        if (problem.service(j).scalable()) {
          assertThat(delta).isIn(-1, 1); // rate 1: every service grows or shrinks by one
          if (delta > 0) grew++;
          else shrank++;
        } else {
          assertThat(after.replicas(j)).isEqualTo(1); // moved, never scaled
        }
      }
    }
    assertThat(grew).isGreaterThan(2000);
    assertThat(shrank).isGreaterThan(2000);
  }

  @Test
  void mutationRespectsTheBounds() {
    ReplicaHostsVariable atMin = new ReplicaHostsVariable("v", 5, 1, 4, new int[] {2});
    ReplicaHostsVariable atMax = new ReplicaHostsVariable("v", 5, 1, 4, new int[] {0, 1, 2, 3});
    GrowShrinkMutation mutation = new GrowShrinkMutation(new Random(3), 1.0);
    for (int i = 0; i < 100; i++) {
      ReplicaHostsVariable a = atMin.copy();
      mutation.mutate(a);
      assertThat(a.replicas()).isEqualTo(2);
      ReplicaHostsVariable b = atMax.copy();
      mutation.mutate(b);
      assertThat(b.replicas()).isEqualTo(3);
    }
  }

  @Test
  void variableEncodesAndRejectsMalformedHosts() {
    ReplicaHostsVariable v = new ReplicaHostsVariable("vote", 5, 1, 4, new int[] {3, 0, 3});
    assertThat(v.hosts()).containsExactly(0, 3, 3);
    assertThat(v.encode()).isEqualTo("0,3,3");
    ReplicaHostsVariable w = v.copy();
    w.decode("4,1");
    assertThat(w.hosts()).containsExactly(1, 4);
    assertThat(v.hosts()).containsExactly(0, 3, 3);
    assertThatThrownBy(() -> v.setHosts(new int[] {5})).hasMessageContaining("no node 5");
    assertThatThrownBy(() -> v.setHosts(new int[] {})).hasMessageContaining("0 replicas");
    assertThatThrownBy(() -> v.setHosts(new int[] {0, 0, 0, 0, 0})).hasMessageContaining("5 replicas");
  }

  private static int[] concatSorted(int[] a, int[] b) {
    int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    java.util.Arrays.sort(out);
    return out;
  }
}
