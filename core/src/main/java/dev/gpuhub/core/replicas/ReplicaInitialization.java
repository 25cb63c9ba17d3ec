package dev.gpuhub.core.replicas;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.moeaframework.core.Solution;
import org.moeaframework.core.initialization.Initialization;

/**
 * Initial population, always well formed.
 *
 * <ul>
 *   <li>One greedy solution per node count {@code k} = 1..n (while the population has room): the replica
 *       counts closest to the thresholds ({@code floor} or {@code ceil} of {@code req_j / reqthr_j},
 *       whichever gives the smaller {@code |req_j / scale_j - reqthr_j|}), placed largest first, each on
 *       the first of the {@code k} largest nodes where it still fits; a replica that fits nowhere is
 *       dropped while its service keeps one, otherwise it goes to the least loaded of the {@code k} (an
 *       infeasible start that the search repairs). These give the search a start at every node count.</li>
 *   <li>The rest random: a random number {@code k} of nodes (1..n) and a random subset of that size, a
 *       random replica count within bounds per service, each replica on a random node of the subset.
 *       (Uniform placement over all nodes would start nearly every solution with every node active.)</li>
 * </ul>
 */
public final class ReplicaInitialization implements Initialization {
  private final PlacementMoeaProblem problem;
  private final Random random;

  public ReplicaInitialization(PlacementMoeaProblem problem, Random random) {
    this.problem = problem;
    this.random = random;
  }

  @Override
  public Solution[] initialize(int size) {
    ReplicaProblem model = problem.model();
    int n = model.nodeCount();
    Solution[] out = new Solution[size];
    int i = 0;
    for (int k = 1; k <= n && i < size; k++) out[i++] = problem.solution(greedy(model, k));
    for (; i < size; i++) out[i] = randomSolution(model);
    return out;
  }

  private Solution randomSolution(ReplicaProblem model) {
    int n = model.nodeCount();
    int[] nodes = new int[n];
    for (int l = 0; l < n; l++) nodes[l] = l;
    for (int l = n - 1; l > 0; l--) {
      int k = random.nextInt(l + 1);
      int t = nodes[l];
      nodes[l] = nodes[k];
      nodes[k] = t;
    }
    int active = 1 + random.nextInt(n);
    Solution s = problem.newSolution();
    for (int j = 0; j < model.serviceCount(); j++) {
      int count = model.minReplicas(j) + random.nextInt(model.maxReplicas(j) - model.minReplicas(j) + 1);
      int[] hosts = new int[count];
      for (int r = 0; r < count; r++) hosts[r] = nodes[random.nextInt(active)];
      ((ReplicaHostsVariable) s.getVariable(j)).setHosts(hosts);
    }
    return s;
  }

  /** The greedy start on the {@code k} largest nodes (see the class comment). */
  static Placement greedy(ReplicaProblem model, int k) {
    int n = model.nodeCount();
    int m = model.serviceCount();
    Integer[] order = new Integer[n];
    for (int l = 0; l < n; l++) order[l] = l;
    Arrays.sort(order, Comparator.comparingDouble((Integer l) -> -(model.node(l).cpuMillicores()
        + model.node(l).memoryMb())).thenComparingInt(l -> l));
    int[] nodes = new int[k];
    for (int i = 0; i < k; i++) nodes[i] = order[i];
    double[] cpu = new double[n];
    double[] mem = new double[n];
    List<List<Integer>> hosts = new ArrayList<>();
    int[] target = new int[m];
    for (int j = 0; j < m; j++) {
      hosts.add(new ArrayList<>());
      target[j] = closestCount(model, j);
    }
    Integer[] services = new Integer[m];
    for (int j = 0; j < m; j++) services[j] = j;
    Arrays.sort(services, Comparator.comparingDouble((Integer j) -> -(model.service(j).cpuMillicores()
        / model.node(nodes[0]).cpuMillicores() + model.service(j).memoryMb() / model.node(nodes[0]).memoryMb()))
        .thenComparingInt(j -> j));
    // Fixed services first would also be reasonable; the largest-first order packs better.
    for (int j : services) {
      ReplicaService s = model.service(j);
      for (int r = 0; r < target[j]; r++) {
        int where = -1;
        for (int l : nodes) {
          if (cpu[l] + s.cpuMillicores() < model.node(l).cpuMillicores()
              && mem[l] + s.memoryMb() < model.node(l).memoryMb()) {
            where = l;
            break;
          }
        }
        if (where < 0) {
          if (r >= model.minReplicas(j)) break;
          where = nodes[0];
          for (int l : nodes) {
            if (cpu[l] / model.node(l).cpuMillicores() < cpu[where] / model.node(where).cpuMillicores()) where = l;
          }
        }
        cpu[where] += s.cpuMillicores();
        mem[where] += s.memoryMb();
        hosts.get(j).add(where);
      }
    }
    int[][] arrays = new int[m][];
    for (int j = 0; j < m; j++) arrays[j] = hosts.get(j).stream().mapToInt(Integer::intValue).toArray();
    return Placement.of(arrays);
  }

  /** The well-formed replica count with the smallest {@code |req_j / scale - reqthr_j|}. */
  static int closestCount(ReplicaProblem model, int j) {
    ReplicaService s = model.service(j);
    if (!s.scalable()) return 1;
    int lo = Math.max(model.minReplicas(j), Math.min(model.maxReplicas(j),
        (int) Math.floor(model.demand(j) / s.requestThreshold())));
    int hi = Math.max(model.minReplicas(j), Math.min(model.maxReplicas(j), lo + 1));
    double dl = Math.abs(model.demand(j) / lo - s.requestThreshold());
    double dh = Math.abs(model.demand(j) / hi - s.requestThreshold());
    return dh < dl ? hi : lo;
  }
}
