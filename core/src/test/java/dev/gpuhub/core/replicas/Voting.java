package dev.gpuhub.core.replicas;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The seed's voting app on 5 nodes (shared/data/placement/voting.json). */
final class Voting {
  private Voting() {}

  static final double[][] RATES = {{1950, 500}, {1600, 1100}, {1250, 2200}, {600, 2800}, {300, 3300}};

  static ReplicaCluster cluster() {
    List<ReplicaNode> nodes = new ArrayList<>();
    for (int i = 1; i <= 5; i++) nodes.add(new ReplicaNode("worker-" + i, 2000, 2048));
    return new ReplicaCluster(nodes,
        List.of(ReplicaService.scalable("vote", 130, 300, 128), ReplicaService.scalable("result", 180, 200, 128),
            ReplicaService.single("redis", 100, 128), ReplicaService.single("worker", 100, 256),
            ReplicaService.single("db", 200, 256)),
        List.of(new ServiceChain("GetVote", List.of("vote", "redis")),
            new ServiceChain("GetResult", List.of("result", "db"))));
  }

  static ReplicaProblem scenario(int index) {
    return ReplicaProblem.of(cluster(), new LoadScenario(Integer.toString(index + 1),
        Map.of("GetVote", RATES[index][0], "GetResult", RATES[index][1])));
  }

  static List<ReplicaProblem> all() {
    List<ReplicaProblem> out = new ArrayList<>();
    for (int i = 0; i < RATES.length; i++) out.add(scenario(i));
    return out;
  }
}
