package dev.gpuhub.core.replicas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HpaBaselinePlannerTest {

  @Test
  void hpaWantsCeilOfDemandOverThreshold() {
    ReplicaProblem s1 = Voting.scenario(0);
    assertThat(HpaBaselinePlanner.desiredReplicas(s1, 0)).isEqualTo(15); // 1950/130 = 15 exactly
    assertThat(HpaBaselinePlanner.desiredReplicas(s1, 1)).isEqualTo(3); // 500/180 = 2.78
    assertThat(HpaBaselinePlanner.desiredReplicas(s1, 2)).isEqualTo(1); // not scalable
    ReplicaProblem s3 = Voting.scenario(2);
    assertThat(HpaBaselinePlanner.desiredReplicas(s3, 0)).isEqualTo(10); // 1250/130 = 9.6
    assertThat(HpaBaselinePlanner.desiredReplicas(s3, 1)).isEqualTo(13); // 2200/180 = 12.2
    ReplicaProblem idle = ReplicaProblem.of(Voting.cluster(), new LoadScenario("0", Map.of()));
    assertThat(HpaBaselinePlanner.desiredReplicas(idle, 0)).isEqualTo(1); // minReplicas 1
  }

  @Test
  void leastAllocatedSpreadsAndMostAllocatedPacks() {
    ReplicaProblem s1 = Voting.scenario(0);
    ReplicaPlan spread = HpaBaselinePlanner.spread().plan(s1, 0);
    ReplicaPlan pack = HpaBaselinePlanner.pack().plan(s1, 0);
    assertThat(spread.algorithm()).isEqualTo("spread-hpa");
    assertThat(pack.algorithm()).isEqualTo("pack-hpa");
    assertThat(spread.replicas()).isEqualTo(pack.replicas());
    assertThat(spread.replicas()).containsEntry("vote", 15).containsEntry("result", 3);
    assertThat(spread.feasible()).isTrue();
    assertThat(pack.feasible()).isTrue();
    assertThat(spread.activeNodes()).isEqualTo(5);
    assertThat(pack.activeNodes()).isEqualTo(3);
    // the first five votes go to five different (empty) nodes under LeastAllocated
    assertThat(spread.placement().hosts(0)).containsExactly(0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4);
    // MostAllocated fills worker-1 first: 6 votes (1800 millicores), the 7th would reach 2000
    assertThat(pack.placement().replicasOn(0, 0)).isEqualTo(6);
    assertThat(spread.throughputSufficiency()).isCloseTo(180 - 500.0 / 3, within(1e-9));
    assertThat(spread.loadPerReplica()).containsEntry("vote", 130.0);
  }

  @Test
  void aReplicaThatFitsNowhereMakesThePlanInfeasible() {
    ReplicaCluster small = new ReplicaCluster(List.of(new ReplicaNode("a", 1000, 1000), new ReplicaNode("b", 1000, 1000)),
        List.of(ReplicaService.scalable("web", 10, 300, 100), ReplicaService.single("db", 500, 100)),
        List.of(new ServiceChain("c", List.of("web", "db"))));
    // 100 req/s -> 10 web replicas of 300 millicores; 2 nodes hold 3 each, less the db
    ReplicaProblem p = ReplicaProblem.of(small, new LoadScenario("peak", Map.of("c", 100.0)));
    for (ReplicaPlan plan : List.of(HpaBaselinePlanner.spread().plan(p, 0), HpaBaselinePlanner.pack().plan(p, 0))) {
      assertThat(plan.feasible()).isFalse();
      assertThat(plan.replicas()).containsEntry("web", 10).containsEntry("db", 1);
      assertThat(plan.placement().replicas(0)).isEqualTo(6);
      assertThat(plan.unplaced()).containsExactly(Map.entry("web", 4), Map.entry("db", 1));
      assertThat(plan.problems()).containsExactly("4 replicas of web fit on no node", "1 replica of db fit on no node");
      assertThat(p.feasible(plan.placement())).isTrue(); // what was placed does fit
    }
  }
}
