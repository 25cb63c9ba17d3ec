package dev.gpuhub.wire.node;

import java.util.List;
import java.util.Map;

/**
 * The body of the node API's {@code POST /containers}: one container to start on the agent's node,
 * in its own network namespace on the node's workload network; the ports it listens on are
 * published on the node's address under the same numbers. Plain data: the agent validates the values (names, ranges, GPU
 * UUIDs) when it turns the request into a runtime spec, and answers 400 naming the field.
 *
 * @param name           container name, unique on the node
 * @param image          image reference already present on the node (agents never pull)
 * @param command        command and arguments; empty = the image's default command
 * @param env            environment variables
 * @param labels         container labels (the agent adds its own managed label)
 * @param cpus           CPU limit in cores (the node API refuses 0, no limit)
 * @param memoryBytes    memory limit in bytes (the node API refuses 0, no limit)
 * @param gpuDeviceUuids the GPUs the container may use; empty = none
 * @param ports          TCP ports the container listens on (on all its addresses), each published on
 *                       the node's address under the same number; empty = none reachable from outside
 * @param files          secret files by name (e.g. a TLS key), written before the container starts into
 *                       its {@code /gpuhub/secrets} directory, readable only by the user it runs as;
 *                       never in its environment, command or labels, never shown by {@code docker inspect}
 * @param volumes        the node's named volumes to mount (a user's home); the agent creates a missing
 *                       one and never removes one
 * @param cpuGuarantee   cores guaranteed under contention (CPU shares); 0 = the runtime's default, at most {@code cpus}
 * @param memoryReservationBytes memory guaranteed (a reservation); 0 = none, at most {@code memoryBytes}
 */
public record ContainerRequest(String name, String image, List<String> command, Map<String, String> env,
                               Map<String, String> labels, double cpus, long memoryBytes, List<String> gpuDeviceUuids,
                               List<Integer> ports, Map<String, String> files, List<Volume> volumes,
                               double cpuGuarantee, long memoryReservationBytes) {
  /**
   * Storage of the node mounted into the container: a named volume, or a directory under the
   * node's home root.
   *
   * @param volume   the volume's name ({@code gpuhub-...}), or null with {@code path}
   * @param path     the node's directory (under its {@code GPUHUB_HOME_ROOT}), or null with {@code volume}
   * @param target   the absolute path where it appears
   * @param readOnly whether the container may only read it
   */
  public record Volume(String volume, String path, String target, boolean readOnly) {
    /** A named volume. */
    public Volume(String volume, String target, boolean readOnly) {
      this(volume, null, target, readOnly);
    }

    /** A directory of the node. */
    public static Volume ofPath(String path, String target) {
      return new Volume(null, path, target, false);
    }
  }

  /** Where the agent writes {@link #files()} in the container (the runtime's {@code ContainerSpec.SECRETS_DIR}). */
  public static final String SECRETS_DIR = "/gpuhub/secrets";

  /** A request without secret files. */
  public ContainerRequest(String name, String image, List<String> command, Map<String, String> env,
                          Map<String, String> labels, double cpus, long memoryBytes, List<String> gpuDeviceUuids,
                          List<Integer> ports) {
    this(name, image, command, env, labels, cpus, memoryBytes, gpuDeviceUuids, ports, Map.of(), List.of(), 0, 0);
  }

  /**
   * This request with guarantees: {@code cpus} cores under contention and {@code memoryBytes}
   * reserved, each at most its limit (the agent checks).
   */
  public ContainerRequest withGuarantees(double cpus, long memoryBytes) {
    return new ContainerRequest(name, image, command, env, labels, this.cpus, this.memoryBytes, gpuDeviceUuids, ports,
        files, volumes, cpus, memoryBytes);
  }

  /** This request with {@code value} as its secret files. */
  public ContainerRequest withFiles(Map<String, String> value) {
    return new ContainerRequest(name, image, command, env, labels, cpus, memoryBytes, gpuDeviceUuids, ports, value, volumes,
        cpuGuarantee, memoryReservationBytes);
  }

  /** This request with {@code value} as its volumes. */
  public ContainerRequest withVolumes(List<Volume> value) {
    return new ContainerRequest(name, image, command, env, labels, cpus, memoryBytes, gpuDeviceUuids, ports, files, value,
        cpuGuarantee, memoryReservationBytes);
  }

  /** Names the secret files, never their content. */
  @Override
  public String toString() {
    return "ContainerRequest[name=" + name + ", image=" + image + ", command=" + command + ", env=" + env.keySet()
        + ", labels=" + labels + ", cpus=" + cpus + ", memoryBytes=" + memoryBytes + ", gpuDeviceUuids=" + gpuDeviceUuids
        + ", ports=" + ports + ", files=" + files.keySet() + ", volumes=" + volumes + ", cpuGuarantee=" + cpuGuarantee
        + ", memoryReservationBytes=" + memoryReservationBytes + "]";
  }

  public ContainerRequest {
    files = files == null ? Map.of() : Map.copyOf(files);
    volumes = volumes == null ? List.of() : List.copyOf(volumes);
    command = command == null ? List.of() : List.copyOf(command);
    env = env == null ? Map.of() : Map.copyOf(env);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    gpuDeviceUuids = gpuDeviceUuids == null ? List.of() : List.copyOf(gpuDeviceUuids);
    ports = ports == null ? List.of() : List.copyOf(ports);
  }

  /** Bytes in {@code gib} GiB, rounded down: the one conversion from the GiB that profiles and reservations count in. */
  public static long bytesOfGib(double gib) {
    return (long) (gib * (1L << 30));
  }

  /** Bytes in {@code mib} MiB. */
  public static long bytesOfMib(long mib) {
    return mib << 20;
  }
}
