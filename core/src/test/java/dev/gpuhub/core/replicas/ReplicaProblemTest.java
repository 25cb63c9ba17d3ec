package dev.gpuhub.core.replicas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaProblemTest {
  // vote, result, redis, worker, db on worker-1..5 (indices 0..4)
  private final ReplicaProblem s1 = Voting.scenario(0); // GetVote 1950, GetResult 500

  @Test
  void demandSumsTheRatesOfTheChainsThatCallAService() {
    assertThat(s1.demand(0)).isEqualTo(1950); // vote: GetVote
    assertThat(s1.demand(1)).isEqualTo(500); // result: GetResult
    assertThat(s1.demand(2)).isEqualTo(1950); // redis: GetVote
    assertThat(s1.demand(3)).isEqualTo(0); // worker: no chain
    assertThat(s1.demand(4)).isEqualTo(500); // db: GetResult
    ReplicaCluster shared = new ReplicaCluster(List.of(new ReplicaNode("n", 4000, 4000)),
        List.of(ReplicaService.scalable("a", 10, 100, 100)),
        List.of(new ServiceChain("x", List.of("a", "a")), new ServiceChain("y", List.of("a"))));
    ReplicaProblem p = ReplicaProblem.of(shared, new LoadScenario("s", Map.of("x", 30.0, "y", 12.0)));
    assertThat(p.demand(0)).isEqualTo(42); // a chain naming a service twice counts once
  }

  @Test
  void objectivesOfAHandMadePlacement() {
    // 15 votes, 5 per node on worker-1..3; results on 1,1,2; redis+worker on 2, db on 3.
    Placement p = Placement.of(
        new int[] {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2}, new int[] {0, 0, 1}, new int[] {1}, new int[] {1},
        new int[] {2});
    assertThat(s1.activeNodes(p)).isEqualTo(3);
    // |1950/15 - 130| + |500/3 - 180|; redis, worker, db are not scalable: no term
    assertThat(s1.throughputSufficiency(p)).isCloseTo(0 + (180 - 500.0 / 3), within(1e-9));
    assertThat(s1.cpuUsed(p)).containsExactly(1900, 1900, 1700, 0, 0);
    assertThat(s1.memoryUsed(p)).containsExactly(896, 1152, 896, 0, 0);
    assertThat(s1.feasible(p)).isTrue();
    assertThat(s1.wellFormed(p)).isTrue();
    assertThat(s1.replicasByService(p)).containsExactly(Map.entry("vote", 15), Map.entry("result", 3),
        Map.entry("redis", 1), Map.entry("worker", 1), Map.entry("db", 1));
    assertThat(s1.servicesByNode(p)).containsOnlyKeys("worker-1", "worker-2", "worker-3");
    assertThat(s1.servicesByNode(p).get("worker-3")).containsExactly("vote", "vote", "vote", "vote", "vote", "db");
  }

  @Test
  void sufficiencyPenalisesBothTooFewAndTooManyReplicas() {
    Placement few = Placement.of(new int[] {0, 0, 0}, new int[] {1}, new int[] {1}, new int[] {1}, new int[] {1});
    Placement many = Placement.of(new int[] {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2},
        new int[] {3, 3, 3, 3, 3}, new int[] {1}, new int[] {1}, new int[] {1});
    assertThat(s1.throughputSufficiency(few)).isCloseTo((650 - 130) + (500 - 180), within(1e-9));
    assertThat(s1.throughputSufficiency(many)).isCloseTo(0 + (180 - 100), within(1e-9));
    assertThat(s1.activeNodes(few)).isEqualTo(2);
    // where a non-scalable service runs changes nothing in the sufficiency
    Placement moved = Placement.of(new int[] {0, 0, 0}, new int[] {1}, new int[] {4}, new int[] {3}, new int[] {2});
    assertThat(s1.throughputSufficiency(moved)).isEqualTo(s1.throughputSufficiency(few));
    assertThat(s1.activeNodes(moved)).isEqualTo(5);
  }

  @Test
  void capacityIsStrictInCpu() {
    // worker-1: 6 votes (1800) + 1 result (200) = 2000 millicores: not below 2000
    Placement full = Placement.of(new int[] {0, 0, 0, 0, 0, 0}, new int[] {0}, new int[] {1}, new int[] {1},
        new int[] {1});
    assertThat(s1.feasible(full)).isFalse();
    assertThat(s1.violations(full)).containsExactly("worker-1: cpu 2000 of 2000 millicores");
    Placement under = Placement.of(new int[] {0, 0, 0, 0, 0, 0}, new int[] {1}, new int[] {0}, new int[] {1},
        new int[] {1});
    assertThat(s1.cpuUsed(under)[0]).isEqualTo(1900);
    assertThat(s1.feasible(under)).isTrue();
  }

  @Test
  void capacityCountsMemoryToo() {
    ReplicaCluster c = new ReplicaCluster(List.of(new ReplicaNode("a", 4000, 1000), new ReplicaNode("b", 4000, 1000)),
        List.of(ReplicaService.scalable("web", 10, 100, 300)), List.of(new ServiceChain("c", List.of("web"))));
    ReplicaProblem p = ReplicaProblem.of(c, new LoadScenario("s", Map.of("c", 60.0)));
    assertThat(p.feasible(Placement.of(new int[] {0, 0, 0}))).isTrue(); // 900 MB < 1000
    Placement four = Placement.of(new int[] {0, 0, 0, 0});
    assertThat(p.feasible(four)).isFalse(); // 1200 MB, only 400 millicores
    assertThat(p.violations(four)).containsExactly("a: memory 1200 of 1000 MB");
    // 60/10 wants 6; memory lets 3 per node, 2 nodes: 6
    assertThat(p.maxReplicas(0)).isEqualTo(6);
  }

  @Test
  void replicaBoundsFollowDemandAndCapacity() {
    assertThat(s1.maxReplicas(0)).isEqualTo(15); // ceil(1950/130)
    assertThat(s1.maxReplicas(1)).isEqualTo(3); // ceil(500/180)
    assertThat(s1.maxReplicas(2)).isEqualTo(1); // not scalable
    assertThat(s1.minReplicas(0)).isEqualTo(1);
    ReplicaCluster tiny = new ReplicaCluster(List.of(new ReplicaNode("a", 1000, 1000)),
        List.of(ReplicaService.scalable("web", 10, 300, 10)), List.of(new ServiceChain("c", List.of("web"))));
    ReplicaProblem p = ReplicaProblem.of(tiny, new LoadScenario("s", Map.of("c", 1000.0)));
    assertThat(p.maxReplicas(0)).isEqualTo(3); // 100 wanted, 3 fit (900 < 1000)
    ReplicaProblem idle = ReplicaProblem.of(tiny, new LoadScenario("s", Map.of()));
    assertThat(idle.maxReplicas(0)).isEqualTo(1); // no load: still one replica
    assertThat(idle.throughputSufficiency(Placement.of(new int[] {0}))).isEqualTo(10);
    assertThat(idle.wellFormed(Placement.of(new int[] {0, 0}))).isFalse();
    assertThat(idle.wellFormed(Placement.of(new int[] {}))).isFalse();
    assertThat(idle.wellFormed(Placement.of(new int[] {1}))).isFalse();
  }

  @Test
  void badInputIsNamed() {
    List<ReplicaNode> nodes = List.of(new ReplicaNode("n1", 2000, 2048));
    List<ReplicaService> services = List.of(ReplicaService.scalable("vote", 130, 300, 128));
    assertThatThrownBy(() -> new ReplicaCluster(nodes, services,
        List.of(new ServiceChain("GetVote", List.of("vot")))))
        .isInstanceOf(InvalidReplicaInputException.class)
        .hasMessage("chain GetVote calls unknown service 'vot'");
    assertThatThrownBy(() -> new ReplicaCluster(nodes, List.of(ReplicaService.single("db", 2000, 10)), List.of()))
        .isInstanceOf(InvalidReplicaInputException.class)
        .hasMessageStartingWith("service db fits on no node");
    assertThatThrownBy(() -> new ReplicaCluster(nodes, List.of(ReplicaService.single("db", 10, 4096)), List.of()))
        .hasMessageStartingWith("service db fits on no node");
    assertThatThrownBy(() -> new ReplicaCluster(nodes, List.of(ReplicaService.scalable("web", 0, 10, 10)), List.of()))
        .hasMessageContaining("web needs a positive request_threshold");
    assertThatThrownBy(() -> new ReplicaCluster(List.of(), services, List.of())).hasMessage("no nodes");
    assertThatThrownBy(() -> new ReplicaCluster(List.of(nodes.get(0), nodes.get(0)), services, List.of()))
        .hasMessage("node n1 is listed twice");
    assertThatThrownBy(() -> new ReplicaCluster(List.of(new ReplicaNode("n", -1, 10)), services, List.of()))
        .hasMessageContaining("cpu_millicores");

    ReplicaCluster ok = new ReplicaCluster(nodes, services, List.of(new ServiceChain("GetVote", List.of("vote"))));
    assertThatThrownBy(() -> ReplicaProblem.of(ok, new LoadScenario("3", Map.of("GetVote", -5.0))))
        .isInstanceOf(InvalidReplicaInputException.class)
        .hasMessage("scenario 3: rate of chain GetVote is negative (-5)");
    assertThatThrownBy(() -> ReplicaProblem.of(ok, new LoadScenario("3", Map.of("GetVot", 5.0))))
        .hasMessage("scenario 3: rate for unknown chain 'GetVot'");
    assertThatThrownBy(() -> ReplicaProblem.of(ok, new LoadScenario("3", Map.of("GetVote", Double.NaN))))
        .hasMessage("scenario 3: rate of chain GetVote is not a number");
  }
}
