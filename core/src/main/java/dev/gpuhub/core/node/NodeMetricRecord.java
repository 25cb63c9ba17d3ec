package dev.gpuhub.core.node;

import java.time.Instant;

/** One row of metric history (table {@code node_metrics}), appended for every heartbeat. */
public record NodeMetricRecord(
    long nodeId,
    Double cpuUsagePercent,
    Double memoryUsagePercent,
    Double diskUsagePercent,
    int activeJupyterlab,
    int activeRay,
    int totalContainers,
    double loadScore,
    Instant recordedAt) {}
