package dev.gpuhub.core.placement;

import dev.gpuhub.core.node.NodeReport;

/** The seed's load score (SPEC §3): lower is better; a usage that was not reported counts as 100. */
public final class LoadScore {
  private LoadScore() {}

  /** Score of a node's reported usage, rounded to two decimals as the seed does. */
  public static double of(NodeReport node, ScoringConfig config) {
    return of(node.cpuUsagePercent(), node.memoryUsagePercent(), config);
  }

  /** Score of a cpu / memory usage pair; {@code null} means "not reported" and counts as 100. */
  public static double of(Double cpuUsagePercent, Double memoryUsagePercent, ScoringConfig config) {
    double cpu = cpuUsagePercent == null ? 100 : cpuUsagePercent;
    double memory = memoryUsagePercent == null ? 100 : memoryUsagePercent;
    double score = cpu * config.cpuWeight() + memory * config.memoryWeight();
    if (cpu > 90 || memory > 90) {
      score += config.heavyPenalty();
    } else if (cpu > 80 || memory > 80) {
      score += config.mediumPenalty();
    }
    return Math.round(score * 100) / 100.0;
  }
}
