package dev.gpuhub.server.services;

import dev.gpuhub.core.replicas.LoadScenario;
import dev.gpuhub.core.replicas.ReplicaCluster;
import dev.gpuhub.core.replicas.ReplicaNode;
import dev.gpuhub.core.replicas.ReplicaPlan;
import dev.gpuhub.core.replicas.ReplicaPlanner;
import dev.gpuhub.core.replicas.ReplicaProblem;
import dev.gpuhub.core.replicas.ReplicaService;
import dev.gpuhub.core.replicas.ServiceChain;
import dev.gpuhub.core.service.ServiceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ServicePlanner} over the replica planners of {@code core/replicas} (epsilon-NSGA-II by
 * default): each declared service is one chain of its own whose rate is the one measured at
 * {@code /svc/<name>/}; a service with max_replicas 1 is a single, non-scalable one. The planner's
 * replica counts are then held to each service's bounds: extra replicas are dropped, and missing
 * ones (below min_replicas) are added on the node with the most room left that can hold them.
 */
public final class EnsgaServicePlanner implements ServicePlanner {
  private final ReplicaPlanner planner;
  private final long seed;

  public EnsgaServicePlanner(ReplicaPlanner planner, long seed) {
    this.planner = planner;
    this.seed = seed;
  }

  @Override
  public Map<String, List<String>> plan(List<ServiceLoad> loads, List<NodeRoom> rooms) {
    if (rooms.isEmpty()) throw new IllegalStateException("no live node with a node API");
    List<ReplicaNode> nodes = rooms.stream().map(r -> new ReplicaNode(r.hostname(), r.cpuMillicores(), r.memoryMb())).toList();
    List<ReplicaService> services = new ArrayList<>();
    List<ServiceChain> chains = new ArrayList<>();
    Map<String, Double> rates = new LinkedHashMap<>();
    for (ServiceLoad l : loads) {
      ServiceSpec s = l.spec();
      services.add(s.maxReplicas() == 1 ? ReplicaService.single(s.name(), s.cpuMillicores(), s.memoryMb())
          : ReplicaService.scalable(s.name(), s.requestThreshold(), s.cpuMillicores(), s.memoryMb()));
      chains.add(new ServiceChain("chain-" + s.name(), List.of(s.name())));
      rates.put("chain-" + s.name(), l.requestsPerSecond());
    }
    ReplicaProblem problem = ReplicaProblem.of(new ReplicaCluster(nodes, services, chains), new LoadScenario("live", rates));
    ReplicaPlan plan = planner.plan(problem, seed);
    if (!plan.feasible()) throw new IllegalStateException(String.join("; ", plan.problems()));
    double[] cpuLeft = rooms.stream().mapToDouble(NodeRoom::cpuMillicores).toArray();
    double[] memLeft = rooms.stream().mapToDouble(NodeRoom::memoryMb).toArray();
    List<List<Integer>> hosts = new ArrayList<>();
    for (int j = 0; j < loads.size(); j++) {
      List<Integer> h = new ArrayList<>();
      for (int node : plan.placement().hosts(j)) h.add(node);
      hosts.add(h);
      ServiceSpec s = loads.get(j).spec();
      for (int node : h) {
        cpuLeft[node] -= s.cpuMillicores();
        memLeft[node] -= s.memoryMb();
      }
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (int j = 0; j < loads.size(); j++) {
      ServiceSpec s = loads.get(j).spec();
      List<Integer> h = hosts.get(j);
      while (h.size() > s.maxReplicas()) {
        int node = h.remove(h.size() - 1);
        cpuLeft[node] += s.cpuMillicores();
        memLeft[node] += s.memoryMb();
      }
      while (h.size() < s.minReplicas()) {
        int best = -1;
        for (int n = 0; n < rooms.size(); n++) {
          boolean fits = cpuLeft[n] > s.cpuMillicores() && memLeft[n] > s.memoryMb();
          if (fits && (best < 0 || cpuLeft[n] > cpuLeft[best])) best = n;
        }
        if (best < 0) throw new IllegalStateException(s.name() + " needs " + s.minReplicas() + " replicas; only " + h.size() + " fit");
        h.add(best);
        cpuLeft[best] -= s.cpuMillicores();
        memLeft[best] -= s.memoryMb();
      }
      List<String> names = new ArrayList<>();
      for (int node : h) names.add(rooms.get(node).hostname());
      out.put(s.name(), names);
    }
    return out;
  }
}
