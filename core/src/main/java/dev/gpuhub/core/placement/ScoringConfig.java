package dev.gpuhub.core.placement;

/**
 * Weights and penalties of the seed's load score (SPEC §3), all configurable.
 *
 * @param cpuWeight     multiplies cpu usage percent (seed CPU_WEIGHT 0.8)
 * @param memoryWeight  multiplies memory usage percent (seed MEMORY_WEIGHT 0.8)
 * @param heavyPenalty  added when cpu or memory usage is over 90 % (seed HEAVY_PENALTY 80)
 * @param mediumPenalty added when cpu or memory usage is over 80 % but neither over 90 % (seed 20)
 */
public record ScoringConfig(double cpuWeight, double memoryWeight, double heavyPenalty, double mediumPenalty) {

  /** The seed's defaults. */
  public static final ScoringConfig SEED = new ScoringConfig(0.8, 0.8, 80, 20);

  public ScoringConfig {
    requireNonNegative("CPU_WEIGHT", cpuWeight);
    requireNonNegative("MEMORY_WEIGHT", memoryWeight);
    requireNonNegative("HEAVY_PENALTY", heavyPenalty);
    requireNonNegative("MEDIUM_PENALTY", mediumPenalty);
  }

  /** Highest score a node can get under this configuration (both usages at 100 %, heavy penalty). */
  public double maxScore() {
    return 100 * cpuWeight + 100 * memoryWeight + Math.max(heavyPenalty, mediumPenalty);
  }

  private static void requireNonNegative(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be a finite number >= 0, was " + value);
    }
  }
}
