package dev.gpuhub.core.replicas;

import java.util.List;
import java.util.Locale;

/** Chooses how many replicas each service runs and on which nodes (SPEC §6). */
public interface ReplicaPlanner {

  /** The name used on the command line and in results. */
  String name();

  /** A plan for {@code problem}; the same problem and seed give the same plan. */
  ReplicaPlan plan(ReplicaProblem problem, long seed);

  /** Names accepted by {@link #byName(String)}. */
  List<String> NAMES = List.of(EpsilonNsga2Planner.NAME, HpaBaselinePlanner.SPREAD, HpaBaselinePlanner.PACK);

  /** {@code ensga2} (default settings), {@code spread-hpa} or {@code pack-hpa}. */
  static ReplicaPlanner byName(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case EpsilonNsga2Planner.NAME -> new EpsilonNsga2Planner();
      case HpaBaselinePlanner.SPREAD -> HpaBaselinePlanner.spread();
      case HpaBaselinePlanner.PACK -> HpaBaselinePlanner.pack();
      default -> throw new InvalidReplicaInputException(
          "unknown algorithm '" + name + "' (one of " + String.join(", ", NAMES) + ")");
    };
  }
}
