package dev.gpuhub.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NVIDIA GPUs for a test machine that has none, so that workloads which must reserve a GPU
 * (training job replicas) run in real containers on a real dockerd:
 *
 * <ul>
 *   <li>{@link #nvidiaSmi()}: a fake {@code nvidia-smi} for the agent's {@code --nvidia-smi}, listing
 *       the GPUs {@link #uuids()} in the CSV the agent asks for, and no process on them;</li>
 *   <li>{@link #hookDir()}: a directory holding a fake {@code nvidia-container-runtime-hook}. dockerd
 *       registers its "nvidia" device driver only when it finds that program on its PATH at start
 *       ({@link LocalDockerd#start(SimulatedGpus)} puts it there), and then runs it as an OCI prestart
 *       hook of every container whose request names GPUs. The real hook mounts the devices; this one
 *       records the container's id ({@link #requestedBy()}) and attaches nothing.</li>
 * </ul>
 * A container's GPU request thus reaches the runtime and is shown by {@code docker inspect}
 * ({@code HostConfig.DeviceRequests}), but no device node appears in it.
 */
public final class SimulatedGpus {
  /** The program dockerd looks for (moby daemon/nvidia_linux.go, {@code nvidiaHook}). */
  static final String HOOK = "nvidia-container-runtime-hook";
  private static final Pattern CONTAINER_ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f]{64})\"");

  private final Path dir;
  private final List<String> uuids;

  private SimulatedGpus(Path dir, List<String> uuids) {
    this.dir = dir;
    this.uuids = List.copyOf(uuids);
  }

  /**
   * Writes the fake programs for {@code count} GPUs with fresh UUIDs into {@code dir} (created when
   * missing).
   */
  public static SimulatedGpus create(Path dir, int count) {
    List<String> uuids = new ArrayList<>();
    for (int i = 0; i < count; i++) uuids.add("GPU-" + UUID.randomUUID());
    SimulatedGpus gpus = new SimulatedGpus(dir, uuids);
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < count; i++) csv.append(i).append(", ").append(uuids.get(i)).append(", gpuhub simulated GPU, 16384, 0, 0, 30\n");
    try {
      Files.createDirectories(gpus.hookDir());
      Files.writeString(dir.resolve("nvidia-smi.csv"), csv);
      Files.writeString(dir.resolve("nvidia-smi-apps.csv"), ""); // no process uses the simulated GPUs
      script(gpus.nvidiaSmi(), "case \"$1\" in\n"
          + "  --query-compute-apps=*) cat '" + dir.resolve("nvidia-smi-apps.csv") + "';;\n"
          + "  *) cat '" + dir.resolve("nvidia-smi.csv") + "';;\n"
          + "esac");
      script(gpus.hookDir().resolve(HOOK), "# stands in for NVIDIA's hook: records which container asked for GPUs, attaches none\n"
          + "[ \"$1\" = prestart ] || exit 1\n"
          + "{ cat; echo; } >> '" + gpus.requestLog() + "'");
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the simulated GPU programs into " + dir, e);
    }
    return gpus;
  }

  /** The GPUs' UUIDs, by index. */
  public List<String> uuids() {
    return uuids;
  }

  /** The fake nvidia-smi, for the agent. */
  public Path nvidiaSmi() {
    return dir.resolve("nvidia-smi");
  }

  /** The directory with the fake runtime hook, for dockerd's PATH. */
  public Path hookDir() {
    return dir.resolve("bin");
  }

  /** Ids of the containers whose start asked the runtime for GPUs, in start order. */
  public List<String> requestedBy() {
    List<String> ids = new ArrayList<>();
    try {
      if (!Files.exists(requestLog())) return ids;
      Matcher m = CONTAINER_ID.matcher(Files.readString(requestLog(), StandardCharsets.UTF_8));
      while (m.find()) ids.add(m.group(1));
      return ids;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path requestLog() {
    return dir.resolve("gpu-requests.log");
  }

  private static void script(Path path, String body) throws IOException {
    Files.writeString(path, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
