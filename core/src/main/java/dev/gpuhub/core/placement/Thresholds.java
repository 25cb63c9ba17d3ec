package dev.gpuhub.core.placement;

/**
 * Usage limits above which a node is not eligible (SPEC §3).
 *
 * @param maxCpuUsage    highest reported cpu usage percent a node may have
 * @param maxMemoryUsage highest reported memory usage percent a node may have
 * @param maxContainers  at most this many running containers, or {@code null} for the node's own
 *                       {@code max_containers} only
 */
public record Thresholds(double maxCpuUsage, double maxMemoryUsage, Integer maxContainers) {

  /** Seed defaults: cpu 80 %, memory 85 %. */
  public static final Thresholds DEFAULT = new Thresholds(80, 85, null);
  /** Seed strict mode: cpu 60 %, memory 60 %, at most 5 containers. */
  public static final Thresholds STRICT = new Thresholds(60, 60, 5);

  public Thresholds {
    requirePercent("max_cpu_usage", maxCpuUsage);
    requirePercent("max_memory_usage", maxMemoryUsage);
    if (maxContainers != null && maxContainers < 0) {
      throw new IllegalArgumentException("max_containers must be >= 0, was " + maxContainers);
    }
  }

  private static void requirePercent(String name, double value) {
    if (!(value >= 0 && value <= 100)) {
      throw new IllegalArgumentException(name + " must be between 0 and 100, was " + value);
    }
  }
}
