package dev.gpuhub.agent.collect;

/**
 * Host figures of one heartbeat (SPEC §2). Percentages are in [0, 100] with one decimal, or
 * {@code null} when they could not be measured.
 *
 * @param cpuCores           logical processors
 * @param ramGb              total memory in GiB, two decimals
 * @param cpuUsagePercent    busy share of all CPUs over the sample period
 * @param memoryUsagePercent (total - available) / total
 * @param diskUsagePercent   used share of the file system holding {@code /}
 */
public record HostMetrics(int cpuCores, double ramGb, Double cpuUsagePercent, Double memoryUsagePercent,
    Double diskUsagePercent) {}
