package dev.gpuhub.core.placement;

import dev.gpuhub.core.node.NodeReport;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The seed's hard filters (SPEC §3). */
public final class Filters {
  private Filters() {}

  /** A node whose agent says it is inactive. */
  public static final NodeFilter ACTIVE = (node, request) ->
      node.isActive() ? Optional.empty() : Optional.of("its agent reports it inactive");

  /** A node at its own {@code max_containers}, or at the strict limit when one is set. */
  public static final NodeFilter CONTAINER_CAPACITY = (node, request) -> {
    int limit = node.maxContainers();
    Integer strict = request.thresholds().maxContainers();
    if (strict != null && strict < limit) limit = strict;
    return node.totalContainers() >= limit
        ? Optional.of("runs " + node.totalContainers() + " containers; the limit is " + limit)
        : Optional.empty();
  };

  /** Only nodes with GPUs for profiles that require one. */
  public static final NodeFilter GPU = (node, request) ->
      request.gpuRequired() && (!node.hasGpu() || node.gpuCount() == 0)
          ? Optional.of("no GPU") : Optional.empty();

  /** Usage over the request's thresholds; a usage that was not reported counts as 100. */
  public static final NodeFilter USAGE = (node, request) -> {
    double cpu = node.cpuUsagePercent() == null ? 100 : node.cpuUsagePercent();
    double memory = node.memoryUsagePercent() == null ? 100 : node.memoryUsagePercent();
    Thresholds t = request.thresholds();
    if (cpu > t.maxCpuUsage()) {
      return Optional.of("cpu usage " + pct(cpu) + " is over the limit of " + pct(t.maxCpuUsage()));
    }
    if (memory > t.maxMemoryUsage()) {
      return Optional.of("memory usage " + pct(memory) + " is over the limit of " + pct(t.maxMemoryUsage()));
    }
    return Optional.empty();
  };

  /** A node smaller than the profile's per-node cores or memory. */
  public static final NodeFilter RESOURCE_FIT = (node, request) -> {
    if (node.cpuCores() < request.cpuRequirement()) {
      return Optional.of("has " + node.cpuCores() + " cpu cores; " + num(request.cpuRequirement()) + " are needed");
    }
    if (node.ramGb() < request.ramRequirement()) {
      return Optional.of("has " + num(node.ramGb()) + " GB memory; " + num(request.ramRequirement()) + " GB are needed");
    }
    return Optional.empty();
  };

  /** The seed's filter chain, in the order reasons are reported. */
  public static List<NodeFilter> seedDefaults() {
    return List.of(ACTIVE, GPU, RESOURCE_FIT, CONTAINER_CAPACITY, USAGE);
  }

  private static String pct(double v) {
    return num(v) + "%";
  }

  private static String num(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
