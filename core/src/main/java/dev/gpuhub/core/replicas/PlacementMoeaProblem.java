package dev.gpuhub.core.replicas;

import org.moeaframework.core.Solution;
import org.moeaframework.core.constraint.LessThan;
import org.moeaframework.problem.AbstractProblem;

/**
 * SPEC §6 as a MOEA Framework problem: one {@link ReplicaHostsVariable} per service; objective 0 = Active
 * Node Amount, objective 1 = Throughput Sufficiency, both minimised; one constraint, {@code capacity}
 * ({@link LessThan} 1: strict), whose value is below 1 exactly when every node's CPU and memory use stay
 * strictly below its capacity (see {@link #capacityValue}). An over-capacity placement is thus infeasible
 * through MOEA's constraint handling (a feasible solution dominates any infeasible one; of two infeasible
 * ones the smaller excess wins) rather than through an infinite fitness. One aggregate constraint instead
 * of one per node and resource: the library sums all constraints on every dominance comparison, which
 * made them the larger part of the solve time.
 */
public final class PlacementMoeaProblem extends AbstractProblem {
  private final ReplicaProblem problem;

  public PlacementMoeaProblem(ReplicaProblem problem) {
    super(problem.serviceCount(), 2, 1);
    this.problem = problem;
  }

  public ReplicaProblem model() {
    return problem;
  }

  @Override
  public String getName() {
    return "ReplicaPlacement";
  }

  @Override
  public Solution newSolution() {
    Solution s = new Solution(numberOfVariables, numberOfObjectives, numberOfConstraints);
    for (int j = 0; j < problem.serviceCount(); j++) {
      int[] one = new int[problem.minReplicas(j)];
      s.setVariable(j, new ReplicaHostsVariable(problem.service(j).name(), problem.nodeCount(),
          problem.minReplicas(j), problem.maxReplicas(j), one));
    }
    s.setConstraint(0, LessThan.value("capacity", 1.0));
    return s;
  }

  @Override
  public void evaluate(Solution solution) {
    int n = problem.nodeCount();
    double[] cpu = new double[n];
    double[] mem = new double[n];
    boolean[] active = new boolean[n];
    int activeNodes = 0;
    double sufficiency = 0;
    for (int j = 0; j < numberOfVariables; j++) {
      int[] hosts = ((ReplicaHostsVariable) solution.getVariable(j)).hostsView();
      ReplicaService s = problem.service(j);
      for (int h : hosts) {
        cpu[h] += s.cpuMillicores();
        mem[h] += s.memoryMb();
        if (!active[h]) {
          active[h] = true;
          activeNodes++;
        }
      }
      if (s.scalable()) sufficiency += Math.abs(problem.demand(j) / hosts.length - s.requestThreshold());
    }
    solution.setObjectiveValue(0, activeNodes);
    solution.setObjectiveValue(1, sufficiency);
    solution.setConstraintValue(0, capacityValue(cpu, mem));
  }

  /**
   * The capacity constraint's value, {@code < 1} exactly when every node is strictly under capacity:
   * the highest CPU or memory share of any node when all are below 1, otherwise 1 + the summed excess
   * shares ({@code share - 1} of every node and resource at or over capacity), so that among infeasible
   * placements the one with less excess is preferred.
   */
  double capacityValue(double[] cpu, double[] mem) {
    double max = 0;
    double excess = 0;
    boolean over = false;
    for (int l = 0; l < cpu.length; l++) {
      double c = cpu[l] / problem.node(l).cpuMillicores();
      double m = mem[l] / problem.node(l).memoryMb();
      max = Math.max(max, Math.max(c, m));
      if (!(cpu[l] < problem.node(l).cpuMillicores())) {
        over = true;
        excess += c - 1;
      }
      if (!(mem[l] < problem.node(l).memoryMb())) {
        over = true;
        excess += m - 1;
      }
    }
    return over ? 1 + excess : Math.min(max, Math.nextDown(1.0));
  }

  /** The placement a solution encodes. */
  public static Placement placement(Solution solution) {
    int[][] hosts = new int[solution.getNumberOfVariables()][];
    for (int j = 0; j < hosts.length; j++) hosts[j] = ((ReplicaHostsVariable) solution.getVariable(j)).hosts();
    return Placement.of(hosts);
  }

  /** A solution encoding {@code placement} (not evaluated). */
  public Solution solution(Placement placement) {
    Solution s = newSolution();
    for (int j = 0; j < problem.serviceCount(); j++) {
      ((ReplicaHostsVariable) s.getVariable(j)).setHosts(placement.hosts(j));
    }
    return s;
  }
}
