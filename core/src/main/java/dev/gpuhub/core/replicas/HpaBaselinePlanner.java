package dev.gpuhub.core.replicas;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The baselines of SPEC §6: Kubernetes' Horizontal Pod Autoscaler decides the replica counts, the
 * scheduler places them one at a time.
 *
 * <p>HPA: {@code desiredReplicas = ceil(currentReplicas * currentMetric / desiredMetric)}. With the metric
 * "requests per replica" ({@code currentMetric = req_j / currentReplicas}, {@code desiredMetric =
 * reqthr_j}) this is {@code ceil(req_j / reqthr_j)} whatever the current count: the steady state the
 * autoscaler converges to. {@code minReplicas} is 1, there is no {@code maxReplicas} and the 10 %
 * tolerance is not modelled. A service that is not scalable runs one replica.
 *
 * <p>Scheduler: the NodeResourcesFit score over CPU and memory with equal weights, computed with the new
 * replica counted: {@code LeastAllocated} scores {@code (capacity - requested) / capacity}, spreading;
 * {@code MostAllocated} scores {@code requested / capacity}, packing. The highest score wins, a tie goes
 * to the node listed first (Kubernetes breaks ties at random). Replicas are placed service by service in
 * the input order. A node is a candidate only if the replica keeps it strictly under capacity, the same
 * constraint the optimiser has; a replica that fits on no node stays unplaced and makes the plan
 * infeasible (reported in {@link ReplicaPlan#unplaced()} and {@link ReplicaPlan#problems()}).
 */
public final class HpaBaselinePlanner implements ReplicaPlanner {
  public static final String SPREAD = "spread-hpa";
  public static final String PACK = "pack-hpa";

  /** Kubernetes' NodeResourcesFit scoring strategies. */
  public enum Scoring { LEAST_ALLOCATED, MOST_ALLOCATED }

  private final Scoring scoring;

  public HpaBaselinePlanner(Scoring scoring) {
    this.scoring = scoring;
  }

  /** HPA + LeastAllocated. */
  public static HpaBaselinePlanner spread() {
    return new HpaBaselinePlanner(Scoring.LEAST_ALLOCATED);
  }

  /** HPA + MostAllocated. */
  public static HpaBaselinePlanner pack() {
    return new HpaBaselinePlanner(Scoring.MOST_ALLOCATED);
  }

  @Override
  public String name() {
    return scoring == Scoring.LEAST_ALLOCATED ? SPREAD : PACK;
  }

  /** HPA's desired replicas for service {@code j}: {@code max(1, ceil(req_j / reqthr_j))}, 1 if not scalable. */
  public static int desiredReplicas(ReplicaProblem problem, int j) {
    ReplicaService s = problem.service(j);
    if (!s.scalable()) return 1;
    return (int) Math.max(1, Math.ceil(problem.demand(j) / s.requestThreshold() - 1e-9));
  }

  /** The seed does not matter: the baselines are deterministic. */
  @Override
  public ReplicaPlan plan(ReplicaProblem problem, long seed) {
    int n = problem.nodeCount();
    int m = problem.serviceCount();
    double[] cpu = new double[n];
    double[] mem = new double[n];
    int[] wanted = new int[m];
    List<List<Integer>> hosts = new ArrayList<>();
    Map<String, Integer> unplaced = new LinkedHashMap<>();
    for (int j = 0; j < m; j++) {
      ReplicaService s = problem.service(j);
      wanted[j] = desiredReplicas(problem, j);
      List<Integer> mine = new ArrayList<>();
      for (int r = 0; r < wanted[j]; r++) {
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int l = 0; l < n; l++) {
          ReplicaNode node = problem.node(l);
          double c = cpu[l] + s.cpuMillicores();
          double mm = mem[l] + s.memoryMb();
          if (!(c < node.cpuMillicores() && mm < node.memoryMb())) continue;
          double cpuShare = c / node.cpuMillicores();
          double memShare = mm / node.memoryMb();
          double score = scoring == Scoring.LEAST_ALLOCATED
              ? ((1 - cpuShare) + (1 - memShare)) / 2
              : (cpuShare + memShare) / 2;
          if (score > bestScore + 1e-12) {
            bestScore = score;
            best = l;
          }
        }
        if (best < 0) {
          unplaced.merge(s.name(), 1, Integer::sum);
          continue;
        }
        cpu[best] += s.cpuMillicores();
        mem[best] += s.memoryMb();
        mine.add(best);
      }
      hosts.add(mine);
    }
    int[][] arrays = new int[m][];
    for (int j = 0; j < m; j++) arrays[j] = hosts.get(j).stream().mapToInt(Integer::intValue).toArray();
    Placement placement = Placement.of(arrays);
    Map<String, Integer> replicas = new LinkedHashMap<>();
    for (int j = 0; j < m; j++) replicas.put(problem.service(j).name(), wanted[j]);
    List<String> problems = new ArrayList<>();
    unplaced.forEach((service, count) -> problems.add(
        count + " replica" + (count == 1 ? "" : "s") + " of " + service + " fit on no node"));
    return new ReplicaPlan(name(), problem, placement, replicas, placement.activeNodes(),
        problem.throughputSufficiency(wanted), problems.isEmpty(), unplaced, problems);
  }
}
