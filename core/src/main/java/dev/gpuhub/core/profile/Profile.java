package dev.gpuhub.core.profile;

import java.util.Objects;

/**
 * A compute profile a user picks when spawning (table {@code profiles}, SPEC §3–4).
 *
 * <p>{@code name} is the stable machine name ({@code single-gpu}); {@code displayName} is what the
 * options form shows. Requirements are per node: {@code cpuRequirement} cores and
 * {@code ramRequirement} GB. A node is eligible only while its reported usage stays at or below
 * {@code maxCpuUsage} / {@code maxMemoryUsage} percent. {@code placementPolicy} names how nodes are
 * chosen for it ({@code spread}, {@code pack} or a seed algorithm such as {@code round_robin});
 * null means the server's default ({@code spread}).
 */
public record Profile(
    long id,
    String name,
    String displayName,
    String description,
    double cpuRequirement,
    double ramRequirement,
    boolean gpuRequired,
    int minNodes,
    int maxNodes,
    double maxCpuUsage,
    double maxMemoryUsage,
    String placementPolicy) {

  /** Seed default of {@code max_cpu_usage}. */
  public static final double DEFAULT_MAX_CPU_USAGE = 80.0;
  /** Seed default of {@code max_memory_usage}. */
  public static final double DEFAULT_MAX_MEMORY_USAGE = 85.0;

  /** A profile with the server's default placement policy. */
  public Profile(long id, String name, String displayName, String description, double cpuRequirement,
                 double ramRequirement, boolean gpuRequired, int minNodes, int maxNodes, double maxCpuUsage,
                 double maxMemoryUsage) {
    this(id, name, displayName, description, cpuRequirement, ramRequirement, gpuRequired, minNodes, maxNodes,
        maxCpuUsage, maxMemoryUsage, null);
  }

  public Profile {
    Objects.requireNonNull(name, "name");
    if (placementPolicy != null && placementPolicy.isBlank()) placementPolicy = null;
  }

  /** This profile with another id (used when the store assigns one). */
  public Profile withId(long newId) {
    return new Profile(newId, name, displayName, description, cpuRequirement, ramRequirement,
        gpuRequired, minNodes, maxNodes, maxCpuUsage, maxMemoryUsage, placementPolicy);
  }
}
