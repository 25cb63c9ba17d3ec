package dev.gpuhub.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.core.node.GpuDevice;
import dev.gpuhub.core.node.GpuProcess;
import dev.gpuhub.core.node.NodeReport;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Validates a heartbeat payload (SPEC §2, seed field names) into a {@link NodeReport}.
 *
 * <p>Required: {@code hostname}, {@code ip}, {@code cpu_cores}, {@code ram_gb}. Optional with
 * defaults: usage percentages (null = not measured), {@code has_gpu} (true when {@code gpu_info}
 * is not empty), {@code gpu_info} ([]), {@code max_containers} (10), {@code is_active} (true),
 * container counts (0), {@code last_updated} (now), {@code agent_port} (none: no node API).
 * Unknown fields are ignored.
 *
 * @throws InvalidPayloadException naming the first offending field
 */
public final class NodeReportParser {
  /** Hostnames: letters, digits, '.', '-', '_'; no ':' or spaces (they would break store keys). */
  public static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");
  private static final Pattern IPV4 = Pattern.compile(
      "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  private static final Pattern GPU_UUID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  /** Most GPUs one node may report. */
  public static final int MAX_GPUS = 64;
  /** Most processes accepted on one GPU. */
  public static final int MAX_GPU_PROCESSES = 256;
  private static final Pattern CONTAINER_ID = Pattern.compile("[0-9a-f]{12,64}");

  private NodeReportParser() {}

  public static NodeReport parse(JsonNode body) {
    JsonFields f = JsonFields.of(body, null);
    String hostname = f.requireText("hostname", 253, HOSTNAME, "a valid hostname (letters, digits, '.', '-', '_')");
    String ip = f.requireText("ip", 45, null, null);
    if (!IPV4.matcher(ip).matches() && !(ip.contains(":") && IPV6.matcher(ip).matches())) {
      throw new InvalidPayloadException("ip", "'" + ip + "' is not an IPv4 or IPv6 address");
    }
    int cpuCores = (int) f.requireLong("cpu_cores", 1, 100_000);
    double ramGb = f.requireDouble("ram_gb", 0, 1_000_000);
    Double cpu = f.nullablePercent("cpu_usage_percent");
    Double memory = f.nullablePercent("memory_usage_percent");
    Double disk = f.nullablePercent("disk_usage_percent");
    List<GpuDevice> gpus = parseGpus(f);
    boolean hasGpu = f.optionalBoolean("has_gpu", !gpus.isEmpty());
    int maxContainers = (int) f.optionalLong("max_containers", 1, 100_000, NodeReport.DEFAULT_MAX_CONTAINERS);
    boolean isActive = f.optionalBoolean("is_active", true);
    int total = (int) f.optionalLong("total_containers", 0, 1_000_000, 0);
    int jupyter = (int) f.optionalLong("active_jupyterlab", 0, 1_000_000, 0);
    int ray = (int) f.optionalLong("active_ray", 0, 1_000_000, 0);
    Instant lastUpdated = parseInstant(f, "last_updated");
    Long agentPort = f.nullableLong("agent_port", 1, 65535);
    Long managed = f.nullableLong("managed_containers", 0, 1_000_000);
    if (managed != null && managed > total) {
      throw new InvalidPayloadException("managed_containers", "is " + managed + " but total_containers is only " + total);
    }
    return new NodeReport(hostname, ip, cpuCores, ramGb, cpu, memory, disk, hasGpu, gpus,
        maxContainers, isActive, total, jupyter, ray, lastUpdated, agentPort == null ? null : agentPort.intValue(),
        managed == null ? null : managed.intValue(), parseImages(f));
  }

  /** Most image references one node may report. */
  public static final int MAX_IMAGES = 500;

  /** {@code images}: image references, at most {@link #MAX_IMAGES}; absent or null: not reported. */
  private static List<String> parseImages(JsonFields f) {
    if (!f.has("images")) return null;
    List<String> images = f.optionalStringList("images");
    if (images.size() > MAX_IMAGES) {
      throw new InvalidPayloadException("images", "lists " + images.size() + " images; at most " + MAX_IMAGES + " are accepted");
    }
    for (String image : images) {
      if (!dev.gpuhub.core.profile.ImageChoice.REFERENCE.matcher(image).matches()) {
        throw new InvalidPayloadException("images", "holds '" + image + "', which is not an image reference");
      }
    }
    return images;
  }

  private static List<GpuDevice> parseGpus(JsonFields f) {
    if (!f.has("gpu_info")) return List.of();
    JsonNode array = f.raw("gpu_info");
    if (!array.isArray()) {
      throw new InvalidPayloadException("gpu_info", "must be an array, got " + JsonFields.kind(array));
    }
    if (array.size() > MAX_GPUS) {
      throw new InvalidPayloadException("gpu_info", "lists " + array.size() + " GPUs; at most " + MAX_GPUS + " are accepted");
    }
    List<GpuDevice> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonFields g = JsonFields.of(array.get(i), "gpu_info[" + i + "]");
      out.add(new GpuDevice(
          g.requireText("name", 256, null, null),
          (int) g.requireLong("index", 0, 1024),
          g.requireText("uuid", 128, GPU_UUID, "a GPU UUID"),
          g.nullableLong("memory_total_mb", 0, 100_000_000),
          g.nullableLong("memory_used_mb", 0, 100_000_000),
          g.nullablePercent("memory_util_percent"),
          g.nullablePercent("utilization_gpu_percent"),
          g.nullableDouble("temperature_gpu", -100, 300),
          parseProcesses(g, "gpu_info[" + i + "]")));
    }
    return out;
  }

  /** A GPU's processes; {@code null} (not known) when absent or null. */
  private static List<GpuProcess> parseProcesses(JsonFields g, String path) {
    if (!g.has("processes") || g.raw("processes").isNull()) return null;
    JsonNode array = g.raw("processes");
    if (!array.isArray()) {
      throw new InvalidPayloadException(path + ".processes", "must be an array, got " + JsonFields.kind(array));
    }
    if (array.size() > MAX_GPU_PROCESSES) {
      throw new InvalidPayloadException(path + ".processes", "lists " + array.size() + " processes; at most "
          + MAX_GPU_PROCESSES + " are accepted");
    }
    List<GpuProcess> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonFields p = JsonFields.of(array.get(i), path + ".processes[" + i + "]");
      String container = p.has("container") && !p.raw("container").isNull()
          ? p.requireText("container", 64, CONTAINER_ID, "a container id (12 to 64 hex digits)") : null;
      out.add(new GpuProcess((int) p.requireLong("pid", 1, Integer.MAX_VALUE),
          p.nullableLong("used_memory_mb", 0, 100_000_000), container));
    }
    return out;
  }

  private static Instant parseInstant(JsonFields f, String field) {
    if (!f.has(field)) return Instant.now();
    String text = f.requireText(field, 64, null, null);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidPayloadException(field, "'" + text + "' is not an ISO-8601 UTC time such as 2025-07-10T08:52:40.819686Z");
    }
  }
}
