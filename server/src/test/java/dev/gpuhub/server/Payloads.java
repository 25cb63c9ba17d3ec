package dev.gpuhub.server;

import java.util.Locale;

/** Heartbeat bodies for tests. */
public final class Payloads {
  private Payloads() {}

  public static String heartbeat(String hostname, double cpu, double memory, int gpus, int containers) {
    StringBuilder gpuInfo = new StringBuilder("[");
    for (int i = 0; i < gpus; i++) {
      if (i > 0) gpuInfo.append(',');
      gpuInfo.append(String.format(Locale.ROOT,
          "{\"name\":\"NVIDIA A100-SXM4-40GB\",\"index\":%d,\"uuid\":\"GPU-%s-%d\",\"memory_total_mb\":40960,"
              + "\"memory_used_mb\":0,\"memory_util_percent\":0.0,\"utilization_gpu_percent\":0,\"temperature_gpu\":30}",
          i, hostname, i));
    }
    gpuInfo.append(']');
    return String.format(Locale.ROOT,
        "{\"hostname\":\"%s\",\"ip\":\"127.0.0.1\",\"cpu_cores\":16,\"ram_gb\":64.0,"
            + "\"cpu_usage_percent\":%.1f,\"memory_usage_percent\":%.1f,\"disk_usage_percent\":40.0,"
            + "\"has_gpu\":%s,\"gpu_info\":%s,\"max_containers\":10,\"is_active\":true,"
            + "\"total_containers\":%d,\"active_jupyterlab\":0,\"active_ray\":0,"
            + "\"last_updated\":\"2026-11-22T10:00:00Z\"}",
        hostname, cpu, memory, gpus > 0, gpuInfo, containers);
  }
}
