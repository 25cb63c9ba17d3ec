package dev.gpuhub.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What to start: one container, in its own network namespace on the node's workload network
 * ({@link WorkloadNetwork}; never the host's network), its {@code ports} published on the node's
 * address. The canonical constructor validates every value and throws
 * {@link InvalidContainerSpecException} naming the field; {@code null} collections become empty.
 *
 * @param name           container name, Docker's rule: {@code [a-zA-Z0-9][a-zA-Z0-9_.-]+}, at most 128 chars
 * @param image          image reference present on the node (runtimes never pull)
 * @param command        the command and its arguments; empty = the image's default command
 * @param env            environment variables; names {@code [A-Za-z_][A-Za-z0-9_]*}, except
 *                       {@link #NVIDIA_VISIBLE_DEVICES} which runtimes derive from {@code gpuDeviceUuids}
 * @param labels         container labels (sorted copy)
 * @param cpus           CPU limit in cores, 0 = no limit, else at least {@link #MIN_CPUS}
 * @param memoryBytes    memory limit, 0 = no limit, else at least {@link #MIN_MEMORY_BYTES}
 * @param gpuDeviceUuids NVIDIA GPU (or MIG) UUIDs this container may use, distinct; empty = no GPU at all
 * @param ports          TCP ports (1-65535, distinct) the container listens on, each published on the
 *                       node's address under the same number; empty = nothing reachable from outside
 * @param cpuGuarantee   cores the container is guaranteed under contention (Docker CPU shares, 1,024 per
 *                       core, as Kubernetes maps a cpu request); 0 = the runtime's default weight; at
 *                       most {@code cpus} when that is set
 * @param memoryReservationBytes memory the container is guaranteed (Docker's soft limit, reclaimed
 *                       from containers above theirs first under memory pressure); 0 = none, else at
 *                       least {@link #MIN_MEMORY_BYTES} and at most {@code memoryBytes} when that is set
 */
public record ContainerSpec(String name, String image, List<String> command, Map<String, String> env,
    Map<String, String> labels, double cpus, long memoryBytes, List<String> gpuDeviceUuids, List<Integer> ports,
    Map<String, String> files, List<VolumeMount> volumes, double cpuGuarantee, long memoryReservationBytes) {

  /** A spec with the runtime's default weight and no memory reservation. */
  public ContainerSpec(String name, String image, List<String> command, Map<String, String> env,
      Map<String, String> labels, double cpus, long memoryBytes, List<String> gpuDeviceUuids, List<Integer> ports,
      Map<String, String> files, List<VolumeMount> volumes) {
    this(name, image, command, env, labels, cpus, memoryBytes, gpuDeviceUuids, ports, files, volumes, 0, 0);
  }

  /** Where {@link #files} are written in the container. */
  public static final String SECRETS_DIR = "/gpuhub/secrets";
  /** The secret file a serving certificate (PEM) is given to a workload in (the hub's convention). */
  public static final String TLS_CERT_FILE = "server.crt";
  /** The secret file its key (PKCS#8 PEM) is given in. */
  public static final String TLS_KEY_FILE = "server.key";
  /** Most secret files one container gets. */
  public static final int MAX_FILES = 8;
  /** Largest secret file. */
  public static final int MAX_FILE_BYTES = 64 * 1024;
  private static final Pattern FILE_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  /** Most volumes one container mounts. */
  public static final int MAX_VOLUMES = 8;

  /** A spec without secret files or volumes. */
  public ContainerSpec(String name, String image, List<String> command, Map<String, String> env,
      Map<String, String> labels, double cpus, long memoryBytes, List<String> gpuDeviceUuids, List<Integer> ports) {
    this(name, image, command, env, labels, cpus, memoryBytes, gpuDeviceUuids, ports, Map.of(), List.of());
  }

  /** A spec without volumes. */
  public ContainerSpec(String name, String image, List<String> command, Map<String, String> env,
      Map<String, String> labels, double cpus, long memoryBytes, List<String> gpuDeviceUuids, List<Integer> ports,
      Map<String, String> files) {
    this(name, image, command, env, labels, cpus, memoryBytes, gpuDeviceUuids, ports, files, List.of());
  }

  /** Variable the NVIDIA container toolkit reads; set by runtimes, never by callers. */
  public static final String NVIDIA_VISIBLE_DEVICES = "NVIDIA_VISIBLE_DEVICES";
  /** Smallest CPU limit Docker accepts. */
  public static final double MIN_CPUS = 0.01;
  /** Largest CPU limit accepted; no node has more cores. */
  public static final double MAX_CPUS = 1024;
  /** Smallest memory limit Docker accepts (6 MiB). */
  public static final long MIN_MEMORY_BYTES = 6L * 1024 * 1024;
  /** Longest container name (Docker allows more; nobody needs it). */
  public static final int MAX_NAME_LENGTH = 128;
  /** Highest TCP port. */
  public static final int MAX_PORT = 65_535;
  /** Longest image reference. */
  public static final int MAX_IMAGE_LENGTH = 255;

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");
  private static final Pattern IMAGE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._/:@-]*");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern GPU_UUID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_./:-]*");

  public ContainerSpec {
    if (name == null || name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
      throw invalid("name", "name '" + name + "' is not a valid container name: use 2-" + MAX_NAME_LENGTH
          + " letters, digits, '_', '.' or '-', starting with a letter or digit");
    }
    if (image == null || image.length() > MAX_IMAGE_LENGTH || !IMAGE.matcher(image).matches()) {
      throw invalid("image", "image '" + image + "' is not an image reference such as gpuhub-notebook:latest");
    }
    command = copyStrings("command", command);
    env = copySorted("env", env);
    for (String key : env.keySet()) {
      if (!ENV_NAME.matcher(key).matches()) {
        throw invalid("env", "env name '" + key + "' is not a variable name: use letters, digits and '_'");
      }
      if (key.equals(NVIDIA_VISIBLE_DEVICES)) {
        throw invalid("env", NVIDIA_VISIBLE_DEVICES + " is set from gpu_device_uuids; do not set it in env");
      }
    }
    labels = copySorted("labels", labels);
    if (labels.keySet().stream().anyMatch(String::isBlank)) throw invalid("labels", "labels must not have blank names");
    if (!Double.isFinite(cpus) || cpus < 0 || (cpus > 0 && cpus < MIN_CPUS) || cpus > MAX_CPUS) {
      throw invalid("cpus", "cpus " + cpus + " is out of range: use 0 for no limit or " + MIN_CPUS + " to " + MAX_CPUS);
    }
    if (memoryBytes < 0 || (memoryBytes > 0 && memoryBytes < MIN_MEMORY_BYTES)) {
      throw invalid("memory_bytes", "memory_bytes " + memoryBytes + " is out of range: use 0 for no limit or at least "
          + MIN_MEMORY_BYTES + " (6 MiB)");
    }
    gpuDeviceUuids = copyStrings("gpu_device_uuids", gpuDeviceUuids);
    for (String uuid : gpuDeviceUuids) {
      if (!GPU_UUID.matcher(uuid).matches()) {
        throw invalid("gpu_device_uuids", "gpu_device_uuids: '" + uuid + "' is not a GPU UUID such as GPU-5f3e8a4b-...");
      }
    }
    if (new HashSet<>(gpuDeviceUuids).size() != gpuDeviceUuids.size()) {
      throw invalid("gpu_device_uuids", "gpu_device_uuids lists a GPU twice: " + gpuDeviceUuids);
    }
    ports = ports == null ? List.of() : List.copyOf(ports);
    for (int port : ports) {
      if (port < 1 || port > MAX_PORT) throw invalid("ports", "ports: " + port + " is not a TCP port (1-" + MAX_PORT + ")");
    }
    if (new HashSet<>(ports).size() != ports.size()) throw invalid("ports", "ports lists a port twice: " + ports);
    files = files == null ? Map.of() : Map.copyOf(new TreeMap<>(files));
    if (files.size() > MAX_FILES) throw invalid("files", "files: at most " + MAX_FILES + " secret files, not " + files.size());
    for (var e : files.entrySet()) {
      if (!FILE_NAME.matcher(e.getKey()).matches()) {
        throw invalid("files", "files: '" + e.getKey() + "' is not a file name: use lowercase letters, digits, '.', '_' "
            + "and '-' (the files go into " + SECRETS_DIR + ")");
      }
      if (e.getValue() == null || e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_FILE_BYTES) {
        throw invalid("files", "files: " + e.getKey() + " is empty or larger than " + MAX_FILE_BYTES + " bytes");
      }
    }
    volumes = checkVolumes(volumes);
    if (!Double.isFinite(cpuGuarantee) || cpuGuarantee < 0 || (cpus > 0 && cpuGuarantee > cpus)) {
      throw invalid("cpu_guarantee", "cpu_guarantee " + cpuGuarantee + " is out of range: use 0 for none or up to the cpu"
          + " limit (" + cpus + ")");
    }
    if (memoryReservationBytes < 0 || (memoryReservationBytes > 0 && memoryReservationBytes < MIN_MEMORY_BYTES)
        || (memoryBytes > 0 && memoryReservationBytes > memoryBytes)) {
      throw invalid("memory_reservation_bytes", "memory_reservation_bytes " + memoryReservationBytes + " is out of range:"
          + " use 0 for none, or at least " + MIN_MEMORY_BYTES + " (6 MiB) and at most the memory limit (" + memoryBytes + ")");
    }
  }

  private static List<VolumeMount> checkVolumes(List<VolumeMount> volumes) {
    List<VolumeMount> copy = volumes == null ? List.of() : List.copyOf(volumes);
    if (copy.size() > MAX_VOLUMES) throw invalid("volumes", "volumes: at most " + MAX_VOLUMES + ", not " + copy.size());
    if (copy.stream().map(VolumeMount::target).distinct().count() != copy.size()) {
      throw invalid("volumes", "volumes: two volumes are mounted at the same target");
    }
    return copy;
  }

  /** Names the secret files, never their content, and the environment's names only. */
  @Override
  public String toString() {
    return "ContainerSpec[name=" + name + ", image=" + image + ", command=" + command + ", env=" + env.keySet()
        + ", labels=" + labels + ", cpus=" + cpus + ", memoryBytes=" + memoryBytes + ", gpuDeviceUuids=" + gpuDeviceUuids
        + ", ports=" + ports + ", files=" + files.keySet() + ", volumes=" + volumes + ", cpuGuarantee=" + cpuGuarantee
        + ", memoryReservationBytes=" + memoryReservationBytes + "]";
  }

  public ContainerSpec withFiles(Map<String, String> value) {
    return new ContainerSpec(name, image, command, env, labels, cpus, memoryBytes, gpuDeviceUuids, ports, value, volumes,
        cpuGuarantee, memoryReservationBytes);
  }

  public ContainerSpec withVolumes(List<VolumeMount> value) {
    return new ContainerSpec(name, image, command, env, labels, cpus, memoryBytes, gpuDeviceUuids, ports, files, value,
        cpuGuarantee, memoryReservationBytes);
  }

  /** A spec with no environment, labels, limits or GPUs. */
  public static ContainerSpec of(String name, String image, List<String> command) {
    return new ContainerSpec(name, image, command, Map.of(), Map.of(), 0, 0, List.of(), List.of());
  }

  public ContainerSpec withEnv(Map<String, String> value) {
    return new ContainerSpec(name, image, command, value, labels, cpus, memoryBytes, gpuDeviceUuids, ports, files, volumes,
        cpuGuarantee, memoryReservationBytes);
  }

  public ContainerSpec withLabels(Map<String, String> value) {
    return new ContainerSpec(name, image, command, env, value, cpus, memoryBytes, gpuDeviceUuids, ports, files, volumes,
        cpuGuarantee, memoryReservationBytes);
  }

  /** This spec with its labels plus {@code key=value} (replacing an existing {@code key}). */
  public ContainerSpec withLabel(String key, String value) {
    Map<String, String> merged = new TreeMap<>(labels);
    merged.put(key, value);
    return withLabels(merged);
  }

  public ContainerSpec withLimits(double cpuLimit, long memoryLimitBytes) {
    return new ContainerSpec(name, image, command, env, labels, cpuLimit, memoryLimitBytes, gpuDeviceUuids, ports, files, volumes,
        cpuGuarantee, memoryReservationBytes);
  }

  /**
   * This spec with guarantees: {@code cpus} cores under contention (CPU shares) and
   * {@code memoryBytes} of memory (a reservation), each at most its limit.
   */
  public ContainerSpec withGuarantees(double cpus, long memoryBytes) {
    return new ContainerSpec(name, image, command, env, labels, this.cpus, this.memoryBytes, gpuDeviceUuids, ports, files,
        volumes, cpus, memoryBytes);
  }

  public ContainerSpec withGpuDeviceUuids(List<String> value) {
    return new ContainerSpec(name, image, command, env, labels, cpus, memoryBytes, value, ports, files, volumes,
        cpuGuarantee, memoryReservationBytes);
  }

  public ContainerSpec withPorts(List<Integer> value) {
    return new ContainerSpec(name, image, command, env, labels, cpus, memoryBytes, gpuDeviceUuids, value, files, volumes,
        cpuGuarantee, memoryReservationBytes);
  }

  /** True when this container gets GPUs. */
  public boolean usesGpus() {
    return !gpuDeviceUuids.isEmpty();
  }

  private static List<String> copyStrings(String field, List<String> values) {
    if (values == null) return List.of();
    List<String> copy = new ArrayList<>(values.size());
    for (String v : values) {
      if (v == null || v.indexOf('\0') >= 0) throw invalid(field, field + " must not contain null or NUL characters");
      copy.add(v);
    }
    return List.copyOf(copy);
  }

  private static Map<String, String> copySorted(String field, Map<String, String> values) {
    if (values == null) return Map.of();
    Map<String, String> copy = new TreeMap<>();
    values.forEach((k, v) -> {
      if (k == null || v == null || k.indexOf('\0') >= 0 || v.indexOf('\0') >= 0 || k.indexOf('=') >= 0) {
        throw invalid(field, field + " entries need a name without '=' and a value, neither null nor with NUL characters");
      }
      copy.put(k, v);
    });
    return Collections.unmodifiableMap(copy);
  }

  private static InvalidContainerSpecException invalid(String field, String message) {
    return new InvalidContainerSpecException(field, message);
  }
}
