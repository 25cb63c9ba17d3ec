package dev.gpuhub.core.replicas;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A planner's answer for one problem.
 *
 * @param algorithm    the planner's name ({@code ensga2}, {@code spread-hpa}, {@code pack-hpa})
 * @param problem      what was planned
 * @param placement    the replicas that were placed
 * @param replicas     replicas per service that the planner wants (for a baseline that could not place them
 *                     all, more than {@code placement} holds: see {@code unplaced})
 * @param activeNodes  Active Node Amount of {@code placement}
 * @param throughputSufficiency Throughput Sufficiency of {@code replicas}, req/s (lower is better)
 * @param feasible     every wanted replica is placed and every node stays strictly under capacity
 * @param unplaced     replicas per service that fit on no node (baselines; empty otherwise)
 * @param problems     why the plan is infeasible (empty when feasible)
 */
public record ReplicaPlan(
    String algorithm,
    ReplicaProblem problem,
    Placement placement,
    Map<String, Integer> replicas,
    int activeNodes,
    double throughputSufficiency,
    boolean feasible,
    Map<String, Integer> unplaced,
    List<String> problems) {

  public ReplicaPlan {
    replicas = Collections.unmodifiableMap(new LinkedHashMap<>(replicas));
    unplaced = Collections.unmodifiableMap(new LinkedHashMap<>(unplaced));
    problems = List.copyOf(problems);
  }

  /** A plan whose wanted replicas are exactly {@code placement}'s. */
  static ReplicaPlan of(String algorithm, ReplicaProblem problem, Placement placement) {
    List<String> violations = problem.violations(placement);
    return new ReplicaPlan(algorithm, problem, placement, problem.replicasByService(placement),
        placement.activeNodes(), problem.throughputSufficiency(placement), violations.isEmpty(), Map.of(),
        violations);
  }

  /** Service names on each active node. */
  public Map<String, List<String>> placementByNode() {
    return problem.servicesByNode(placement);
  }

  /** {@code req_j / scale_j} for each scalable service: the load one replica gets (req/s). */
  public Map<String, Double> loadPerReplica() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int j = 0; j < problem.serviceCount(); j++) {
      ReplicaService s = problem.service(j);
      if (s.scalable()) out.put(s.name(), problem.demand(j) / replicas.get(s.name()));
    }
    return out;
  }
}
