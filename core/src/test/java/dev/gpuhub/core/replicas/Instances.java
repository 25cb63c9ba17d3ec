package dev.gpuhub.core.replicas;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Random small instances (2..6 nodes, 2..4 services) for exhaustive comparison. */
final class Instances {
  private Instances() {}

  /**
   * The next valid instance whose scalable services want at most {@code maxWanted} replicas each and
   * whose HPA replica counts fit on no single node (so that nodes trade against sufficiency). Node
   * capacities 1000/1500/2000 millicores and 1/1.5/2 GB; replicas 100..600 millicores and 64..512 MB;
   * about 60 % of the services scalable (the first always), thresholds 50..200 req/s; one or two
   * chains over random subsets, 20..420 req/s each.
   */
  static ReplicaProblem next(Random r, int maxWanted) {
    while (true) {
      int nodeCount = 2 + r.nextInt(5);
      int[] cpus = {1000, 1500, 2000};
      int[] mems = {1024, 1536, 2048};
      List<ReplicaNode> nodes = new ArrayList<>();
      for (int i = 0; i < nodeCount; i++) nodes.add(new ReplicaNode("n" + i, cpus[r.nextInt(3)], mems[r.nextInt(3)]));
      int serviceCount = 2 + r.nextInt(3);
      List<ReplicaService> services = new ArrayList<>();
      for (int j = 0; j < serviceCount; j++) {
        double cpu = 100 * (1 + r.nextInt(6));
        double mem = 64 * (1 + r.nextInt(8));
        services.add(j == 0 || r.nextDouble() < 0.6
            ? ReplicaService.scalable("s" + j, 50 + 10 * r.nextInt(16), cpu, mem)
            : ReplicaService.single("s" + j, cpu, mem));
      }
      List<ServiceChain> chains = new ArrayList<>();
      Map<String, Double> rates = new LinkedHashMap<>();
      int chainCount = 1 + r.nextInt(2);
      for (int i = 0; i < chainCount; i++) {
        List<String> members = new ArrayList<>();
        for (ReplicaService s : services) if (r.nextDouble() < 0.5) members.add(s.name());
        if (members.isEmpty()) members.add(services.get(r.nextInt(serviceCount)).name());
        chains.add(new ServiceChain("c" + i, members));
        rates.put("c" + i, 20.0 + r.nextInt(400));
      }
      ReplicaProblem p;
      try {
        p = ReplicaProblem.of(new ReplicaCluster(nodes, services, chains), new LoadScenario("x", rates));
      } catch (InvalidReplicaInputException e) {
        continue;
      }
      boolean small = true;
      double cpu = 0;
      double mem = 0;
      for (int j = 0; j < serviceCount; j++) {
        int wanted = HpaBaselinePlanner.desiredReplicas(p, j);
        if (wanted > maxWanted) small = false;
        cpu += wanted * p.service(j).cpuMillicores();
        mem += wanted * p.service(j).memoryMb();
      }
      boolean oneNodeIsEnough = false;
      for (ReplicaNode n : nodes) oneNodeIsEnough |= cpu < n.cpuMillicores() && mem < n.memoryMb();
      if (small && !oneNodeIsEnough) return p;
    }
  }
}
