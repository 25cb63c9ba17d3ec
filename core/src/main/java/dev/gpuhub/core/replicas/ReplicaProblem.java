package dev.gpuhub.core.replicas;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One planning problem: a cluster under one load scenario, with the model of SPEC §6 (Guerrero, Lera &amp;
 * Juiz 2017).
 *
 * <ul>
 *   <li>{@code req_j} = sum of the rates of the chains that call service {@code j} (a chain that names a
 *       service twice counts once);</li>
 *   <li>Active Node Amount = nodes hosting at least one replica;</li>
 *   <li>Throughput Sufficiency = {@code sum_j | req_j / scale_j - reqthr_j |} over the <em>scalable</em>
 *       services, {@code scale_j} = replicas of {@code j}. A service that is not scalable has exactly one
 *       replica and no threshold, so it has no term: nothing a planner decides could change it;</li>
 *   <li>capacity constraint, strict as SPEC §6 writes it: on every node, the summed CPU of its replicas
 *       {@code <} the node's CPU <em>and</em> the summed memory {@code <} the node's memory.</li>
 * </ul>
 *
 * <p>Well-formed placements: every node index in range, a service that is not scalable has exactly one
 * replica, a scalable one between 1 and {@link #maxReplicas(int)}. That upper bound is
 * {@code max(1, ceil(req_j / reqthr_j))}, further capped by how many replicas the cluster could hold: past
 * {@code req_j / reqthr_j} every extra replica makes {@code |req_j/scale_j - reqthr_j|} larger and never
 * saves a node or a resource, so such a placement is dominated by the one without that replica.
 */
public final class ReplicaProblem {
  private final ReplicaCluster cluster;
  private final LoadScenario scenario;
  private final double[] demand;
  private final int[] maxReplicas;

  private ReplicaProblem(ReplicaCluster cluster, LoadScenario scenario, double[] demand, int[] maxReplicas) {
    this.cluster = cluster;
    this.scenario = scenario;
    this.demand = demand;
    this.maxReplicas = maxReplicas;
  }

  /**
   * The problem for one scenario; throws {@link InvalidReplicaInputException} for a rate of an unknown
   * chain or a negative (or non-finite) rate.
   */
  public static ReplicaProblem of(ReplicaCluster cluster, LoadScenario scenario) {
    String where = "scenario " + scenario.name() + ": ";
    double[] chainRate = new double[cluster.chains().size()];
    for (Map.Entry<String, Double> e : scenario.rates().entrySet()) {
      int i = cluster.chainIndex(e.getKey());
      if (i < 0) throw new InvalidReplicaInputException(where + "rate for unknown chain '" + e.getKey() + "'");
      Double rate = e.getValue();
      if (rate == null || !Double.isFinite(rate)) {
        throw new InvalidReplicaInputException(where + "rate of chain " + e.getKey() + " is not a number");
      }
      if (rate < 0) {
        throw new InvalidReplicaInputException(where + "rate of chain " + e.getKey() + " is negative ("
            + ReplicaCluster.num(rate) + ")");
      }
      chainRate[i] = rate;
    }
    int m = cluster.services().size();
    double[] demand = new double[m];
    for (int j = 0; j < m; j++) {
      String name = cluster.services().get(j).name();
      for (int i = 0; i < chainRate.length; i++) {
        if (cluster.chains().get(i).services().contains(name)) demand[j] += chainRate[i];
      }
    }
    int[] max = new int[m];
    for (int j = 0; j < m; j++) {
      ReplicaService s = cluster.services().get(j);
      if (!s.scalable()) {
        max[j] = 1;
        continue;
      }
      long wanted = Math.max(1, (long) Math.ceil(demand[j] / s.requestThreshold() - 1e-9));
      long fit = 0;
      for (ReplicaNode n : cluster.nodes()) fit += perNode(s, n);
      max[j] = (int) Math.max(1, Math.min(Math.min(wanted, fit), 100_000));
    }
    return new ReplicaProblem(cluster, scenario, demand, max);
  }

  /** How many replicas of {@code s} alone fit on {@code n} under the strict constraint. */
  static long perNode(ReplicaService s, ReplicaNode n) {
    long cpu = s.cpuMillicores() > 0 ? (long) Math.ceil(n.cpuMillicores() / s.cpuMillicores()) - 1 : Long.MAX_VALUE;
    long mem = s.memoryMb() > 0 ? (long) Math.ceil(n.memoryMb() / s.memoryMb()) - 1 : Long.MAX_VALUE;
    return Math.max(0, Math.min(Math.min(cpu, mem), 100_000));
  }

  public ReplicaCluster cluster() {
    return cluster;
  }

  public LoadScenario scenario() {
    return scenario;
  }

  public int nodeCount() {
    return cluster.nodes().size();
  }

  public int serviceCount() {
    return cluster.services().size();
  }

  public ReplicaNode node(int l) {
    return cluster.nodes().get(l);
  }

  public ReplicaService service(int j) {
    return cluster.services().get(j);
  }

  /** {@code req_j}: the request rate service {@code j} receives (req/s). */
  public double demand(int j) {
    return demand[j];
  }

  /** Fewest replicas of service {@code j} in a well-formed placement (1). */
  public int minReplicas(int j) {
    return 1;
  }

  /** Most replicas of service {@code j} in a well-formed placement (see the class comment). */
  public int maxReplicas(int j) {
    return maxReplicas[j];
  }

  /** Active Node Amount (objective 1). */
  public int activeNodes(Placement p) {
    return p.activeNodes();
  }

  /** Throughput Sufficiency (objective 2), over the scalable services. */
  public double throughputSufficiency(Placement p) {
    return throughputSufficiency(replicaCounts(p));
  }

  /** Throughput Sufficiency for given replica counts per service. */
  public double throughputSufficiency(int[] replicas) {
    double sum = 0;
    for (int j = 0; j < replicas.length; j++) {
      ReplicaService s = service(j);
      if (!s.scalable()) continue;
      sum += Math.abs(demand[j] / replicas[j] - s.requestThreshold());
    }
    return sum;
  }

  /** Replicas per service. */
  public int[] replicaCounts(Placement p) {
    int[] counts = new int[p.serviceCount()];
    for (int j = 0; j < counts.length; j++) counts[j] = p.replicas(j);
    return counts;
  }

  /** Summed CPU millicores of the replicas on each node. */
  public double[] cpuUsed(Placement p) {
    double[] used = new double[nodeCount()];
    for (int j = 0; j < p.serviceCount(); j++) {
      for (int h : p.hosts(j)) used[h] += service(j).cpuMillicores();
    }
    return used;
  }

  /** Summed memory MB of the replicas on each node. */
  public double[] memoryUsed(Placement p) {
    double[] used = new double[nodeCount()];
    for (int j = 0; j < p.serviceCount(); j++) {
      for (int h : p.hosts(j)) used[h] += service(j).memoryMb();
    }
    return used;
  }

  /** True when every node's usage stays strictly below its capacity in CPU and memory. */
  public boolean feasible(Placement p) {
    return violations(p).isEmpty();
  }

  /** One line per node over capacity, e.g. {@code "worker-1: cpu 2000 of 2000 millicores"}. */
  public List<String> violations(Placement p) {
    double[] cpu = cpuUsed(p);
    double[] mem = memoryUsed(p);
    List<String> out = new ArrayList<>();
    for (int l = 0; l < nodeCount(); l++) {
      ReplicaNode n = node(l);
      if (!(cpu[l] < n.cpuMillicores())) {
        out.add(String.format(Locale.ROOT, "%s: cpu %s of %s millicores", n.name(),
            ReplicaCluster.num(cpu[l]), ReplicaCluster.num(n.cpuMillicores())));
      }
      if (!(mem[l] < n.memoryMb())) {
        out.add(String.format(Locale.ROOT, "%s: memory %s of %s MB", n.name(),
            ReplicaCluster.num(mem[l]), ReplicaCluster.num(n.memoryMb())));
      }
    }
    return out;
  }

  /** True when the placement has one host list per service, counts within bounds and nodes in range. */
  public boolean wellFormed(Placement p) {
    if (p.serviceCount() != serviceCount()) return false;
    for (int j = 0; j < serviceCount(); j++) {
      int r = p.replicas(j);
      if (r < minReplicas(j) || r > maxReplicas(j)) return false;
      for (int h : p.hosts(j)) if (h < 0 || h >= nodeCount()) return false;
    }
    return true;
  }

  /** Replicas per service name, in the cluster's order. */
  public Map<String, Integer> replicasByService(Placement p) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int j = 0; j < serviceCount(); j++) out.put(service(j).name(), p.replicas(j));
    return out;
  }

  /** Service names per active node (a service repeated once per replica), in the cluster's node order. */
  public Map<String, List<String>> servicesByNode(Placement p) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (int l = 0; l < nodeCount(); l++) {
      List<String> here = new ArrayList<>();
      for (int j = 0; j < serviceCount(); j++) {
        int k = p.replicasOn(j, l);
        for (int r = 0; r < k; r++) here.add(service(j).name());
      }
      if (!here.isEmpty()) out.put(node(l).name(), List.copyOf(here));
    }
    return out;
  }
}
