package dev.gpuhub.core.goodput;

import dev.gpuhub.core.goodput.policy.Metric;
import java.util.Objects;
import java.util.function.IntToDoubleFunction;

/**
 * The cluster-size rule of PolluxPolicy (SPEC §5, seed 002 Kode IV.3.1): keep the node count while
 * the cluster utility is within {@code [minUtility, maxUtility]}; otherwise pick the node count
 * whose utility is closest to their midpoint, ignoring counts whose utility is below
 * {@code minUtility} and preferring more nodes on ties; keep the count when every candidate is
 * ignored. Utility = sum of job speedups / total GPUs ({@link #utility}).
 *
 * @param minUtility scale down below this utility (0.35)
 * @param maxUtility scale up above this utility (0.65; 0.8 for metric {@code cost})
 */
public record DesiredNodes(double minUtility, double maxUtility) {
  /** Pollux's thresholds, for metrics {@code default} and {@code speed}. */
  public static final DesiredNodes DEFAULT = new DesiredNodes(0.35, 0.65);
  /** Metric {@code cost}: scale up only at a higher utility. */
  public static final DesiredNodes COST = new DesiredNodes(0.35, 0.8);
  /** Utilities this close count as a tie. */
  private static final double TIE = 1e-9;

  public DesiredNodes {
    if (!(minUtility >= 0 && minUtility <= maxUtility) || Double.isInfinite(maxUtility)) {
      throw new IllegalArgumentException("need 0 <= minUtility <= maxUtility, finite; was " + minUtility + ", " + maxUtility);
    }
  }

  /** {@link #COST} for {@link Metric#COST}, else {@link #DEFAULT}. */
  public static DesiredNodes forMetric(Metric metric) {
    return metric == Metric.COST ? COST : DEFAULT;
  }

  /** The utility a resize aims at: {@code (minUtility + maxUtility) / 2}. */
  public double target() {
    return (minUtility + maxUtility) / 2;
  }

  /** Cluster utility: {@code sum of speedups / totalGpus}; 0 for an empty cluster. */
  public static double utility(double sumOfSpeedups, int totalGpus) {
    return totalGpus <= 0 ? 0.0 : sumOfSpeedups / totalGpus;
  }

  /**
   * @param currentNodes nodes now
   * @param minNodes     fewest nodes to consider, &gt;= 0
   * @param maxNodes     most nodes to consider, &gt;= minNodes
   * @param utilityAt    the cluster utility the policy would reach with that many nodes
   * @return the desired node count: {@code currentNodes} or one of {@code [minNodes, maxNodes]}
   */
  public int choose(int currentNodes, int minNodes, int maxNodes, IntToDoubleFunction utilityAt) {
    Objects.requireNonNull(utilityAt, "utilityAt");
    if (minNodes < 0 || maxNodes < minNodes) {
      throw new IllegalArgumentException("need 0 <= minNodes <= maxNodes, was " + minNodes + ", " + maxNodes);
    }
    double now = utilityAt.applyAsDouble(currentNodes);
    if (now >= minUtility && now <= maxUtility) return currentNodes;
    double target = target();
    int best = currentNodes;
    double bestDistance = Double.POSITIVE_INFINITY;
    for (int nodes = minNodes; nodes <= maxNodes; nodes++) {
      double utility = nodes == currentNodes ? now : utilityAt.applyAsDouble(nodes);
      if (!(utility >= minUtility)) continue;
      double distance = Math.abs(utility - target);
      // Counting upwards, a tie with the best so far means more nodes: take it.
      if (distance <= bestDistance + TIE) {
        best = nodes;
        bestDistance = Math.min(distance, bestDistance);
      }
    }
    return best;
  }
}
