package dev.gpuhub.core.profile;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A compute profile a user picks when spawning (table {@code profiles}, SPEC §3–4).
 *
 * <p>{@code name} is the stable machine name ({@code single-gpu}); {@code displayName} is what the
 * options form shows. Resources are per node, with JupyterHub's names: {@code cpuGuarantee} cores
 * and {@code memGuarantee} GB are what placement reserves and what the container is guaranteed
 * under contention (CPU shares, memory reservation); {@code cpuLimit} cores and {@code memLimit}
 * GB are the most it may use (CPU quota, memory limit). A limit is never below its guarantee; the
 * gap between them is what lets a lab seat many mostly idle notebooks on one machine without
 * promising any of them more than its guarantee. GPUs are never shared: a server gets
 * {@code gpuCount} whole devices (0 to {@link #MAX_GPUS}) on each of its nodes, all on that node,
 * of the model {@code gpuModel} matches (a pattern, null for any) with at least
 * {@code gpuMinMemoryGb} GB each (0 for any; {@link GpuConstraint}). A node is eligible only
 * while its reported usage stays at or below {@code maxCpuUsage} / {@code maxMemoryUsage} percent.
 * {@code groups} limits who may use it to the members of those groups (empty: everyone). A
 * {@code retired} profile is offered to nobody and starts nothing new; servers running on it keep it
 * until they stop.
 * {@code gpuIdleMinutes} is how long its servers' GPUs may stay idle before they are given back
 * (the server restarts on a CPU profile): null for the hub's default, 0 for never.
 * {@code placementPolicy} names how nodes are chosen for it ({@code spread}, {@code pack} or a seed
 * algorithm such as {@code round_robin}); null means the server's default ({@code spread}).
 *
 * @throws IllegalArgumentException from the constructor for a limit below its guarantee (the field named)
 */
public record Profile(
    long id,
    String name,
    String displayName,
    String description,
    double cpuGuarantee,
    double memGuarantee,
    int gpuCount,
    int minNodes,
    int maxNodes,
    double maxCpuUsage,
    double maxMemoryUsage,
    String placementPolicy,
    double cpuLimit,
    double memLimit,
    String gpuModel,
    double gpuMinMemoryGb,
    List<String> groups,
    boolean retired,
    Double gpuIdleMinutes) {

  /** Most minutes a profile may let GPUs idle before they are given back: a week. */
  public static final double MAX_GPU_IDLE_MINUTES = 7 * 24 * 60;

  /** A profile whose idle GPUs are given back after the hub's default time. */
  public Profile(long id, String name, String displayName, String description, double cpuGuarantee, double memGuarantee,
                 int gpuCount, int minNodes, int maxNodes, double maxCpuUsage, double maxMemoryUsage,
                 String placementPolicy, double cpuLimit, double memLimit, String gpuModel, double gpuMinMemoryGb,
                 List<String> groups, boolean retired) {
    this(id, name, displayName, description, cpuGuarantee, memGuarantee, gpuCount, minNodes, maxNodes, maxCpuUsage,
        maxMemoryUsage, placementPolicy, cpuLimit, memLimit, gpuModel, gpuMinMemoryGb, groups, retired, null);
  }

  /** Most GPUs a profile asks for per node. */
  public static final int MAX_GPUS = 8;

  /** A profile with one GPU per node or none, of any model. */
  public Profile(long id, String name, String displayName, String description, double cpuGuarantee,
                 double memGuarantee, boolean gpuRequired, int minNodes, int maxNodes, double maxCpuUsage,
                 double maxMemoryUsage, String placementPolicy, double cpuLimit, double memLimit) {
    this(id, name, displayName, description, cpuGuarantee, memGuarantee, gpuRequired ? 1 : 0, minNodes, maxNodes,
        maxCpuUsage, maxMemoryUsage, placementPolicy, cpuLimit, memLimit, null, 0, List.of(), false);
  }

  /** Seed default of {@code max_cpu_usage}. */
  public static final double DEFAULT_MAX_CPU_USAGE = 80.0;
  /** Seed default of {@code max_memory_usage}. */
  public static final double DEFAULT_MAX_MEMORY_USAGE = 85.0;

  /** A profile whose limits equal its guarantees (nothing beyond what is reserved). */
  public Profile(long id, String name, String displayName, String description, double cpuGuarantee,
                 double memGuarantee, boolean gpuRequired, int minNodes, int maxNodes, double maxCpuUsage,
                 double maxMemoryUsage, String placementPolicy) {
    this(id, name, displayName, description, cpuGuarantee, memGuarantee, gpuRequired ? 1 : 0, minNodes, maxNodes,
        maxCpuUsage, maxMemoryUsage, placementPolicy, cpuGuarantee, memGuarantee, null, 0, List.of(), false);
  }

  /** A profile with the server's default placement policy, its limits equal to its guarantees. */
  public Profile(long id, String name, String displayName, String description, double cpuGuarantee,
                 double memGuarantee, boolean gpuRequired, int minNodes, int maxNodes, double maxCpuUsage,
                 double maxMemoryUsage) {
    this(id, name, displayName, description, cpuGuarantee, memGuarantee, gpuRequired, minNodes, maxNodes,
        maxCpuUsage, maxMemoryUsage, null);
  }

  public Profile {
    Objects.requireNonNull(name, "name");
    if (placementPolicy != null && placementPolicy.isBlank()) placementPolicy = null;
    if (cpuLimit < cpuGuarantee) {
      throw new IllegalArgumentException("cpu_limit (" + cpuLimit + ") must be at least cpu_guarantee (" + cpuGuarantee + ")");
    }
    if (memLimit < memGuarantee) {
      throw new IllegalArgumentException("mem_limit (" + memLimit + ") must be at least mem_guarantee (" + memGuarantee + ")");
    }
    if (gpuCount < 0 || gpuCount > MAX_GPUS) {
      throw new IllegalArgumentException("gpu_count must be 0 to " + MAX_GPUS + ", was " + gpuCount);
    }
    GpuConstraint constraint = new GpuConstraint(gpuModel, gpuMinMemoryGb); // checks both
    gpuModel = constraint.model();
    groups = groups == null ? List.of() : List.copyOf(new java.util.TreeSet<>(groups));
    if (gpuIdleMinutes != null && !(gpuIdleMinutes >= 0 && gpuIdleMinutes <= MAX_GPU_IDLE_MINUTES)) {
      throw new IllegalArgumentException("gpu_idle_minutes must be 0 (never give idle GPUs back) to "
          + (long) MAX_GPU_IDLE_MINUTES + ", was " + gpuIdleMinutes);
    }
  }

  /** This profile with another idle-GPU time (null: the hub's default; 0: never). */
  public Profile withGpuIdleMinutes(Double value) {
    return new Profile(id, name, displayName, description, cpuGuarantee, memGuarantee,
        gpuCount, minNodes, maxNodes, maxCpuUsage, maxMemoryUsage, placementPolicy, cpuLimit, memLimit, gpuModel,
        gpuMinMemoryGb, groups, retired, value);
  }

  /** Whether a member of {@code userGroups} may use it: it is open to everyone, or they share a group. */
  public boolean openTo(Collection<String> userGroups) {
    return groups.isEmpty() || userGroups.stream().anyMatch(groups::contains);
  }

  /** Whether the profile asks for GPUs. */
  public boolean gpuRequired() {
    return gpuCount > 0;
  }

  /** Which devices its GPUs must be. */
  public GpuConstraint gpuConstraint() {
    return new GpuConstraint(gpuModel, gpuMinMemoryGb);
  }

  /** This profile with another id (used when the store assigns one). */
  public Profile withId(long newId) {
    return new Profile(newId, name, displayName, description, cpuGuarantee, memGuarantee,
        gpuCount, minNodes, maxNodes, maxCpuUsage, maxMemoryUsage, placementPolicy, cpuLimit, memLimit, gpuModel,
        gpuMinMemoryGb, groups, retired, gpuIdleMinutes);
  }

  /** This profile with other limits (each at least its guarantee). */
  public Profile withLimits(double cpu, double memGb) {
    return new Profile(id, name, displayName, description, cpuGuarantee, memGuarantee,
        gpuCount, minNodes, maxNodes, maxCpuUsage, maxMemoryUsage, placementPolicy, cpu, memGb, gpuModel, gpuMinMemoryGb,
        groups, retired, gpuIdleMinutes);
  }

  /** This profile with {@code count} GPUs per node that {@code constraint} accepts. */
  public Profile withGpus(int count, GpuConstraint constraint) {
    return new Profile(id, name, displayName, description, cpuGuarantee, memGuarantee,
        count, minNodes, maxNodes, maxCpuUsage, maxMemoryUsage, placementPolicy, cpuLimit, memLimit, constraint.model(),
        constraint.minMemoryGb(), groups, retired, gpuIdleMinutes);
  }

  /** This profile limited to the members of {@code names} (empty: open to everyone). */
  public Profile withGroups(List<String> names) {
    return new Profile(id, name, displayName, description, cpuGuarantee, memGuarantee,
        gpuCount, minNodes, maxNodes, maxCpuUsage, maxMemoryUsage, placementPolicy, cpuLimit, memLimit, gpuModel,
        gpuMinMemoryGb, names, retired, gpuIdleMinutes);
  }

  /** This profile retired (or back in use). */
  public Profile withRetired(boolean value) {
    return new Profile(id, name, displayName, description, cpuGuarantee, memGuarantee,
        gpuCount, minNodes, maxNodes, maxCpuUsage, maxMemoryUsage, placementPolicy, cpuLimit, memLimit, gpuModel,
        gpuMinMemoryGb, groups, value, gpuIdleMinutes);
  }
}
