package dev.gpuhub.app.jobs;

import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.runtime.fake.SimulatedContainerRuntime;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs what a simulated node only records: for every training-job container (label
 * {@code gpuhub.job}) a node starts, the container's command as a local process with the
 * container's environment (plus {@code NVIDIA_VISIBLE_DEVICES} from its GPU UUIDs, as real runtimes
 * set it); when the process exits by itself the container exits with its code; when the container
 * is stopped or removed the process is ended. Output goes to {@code <logs>/<container name>-<n>.log}.
 */
final class TrainerProcesses implements SimulatedContainerRuntime.Listener, AutoCloseable {
  private final SimulatedContainerRuntime runtime;
  private final Path logs;
  private final Map<String, Process> running = new ConcurrentHashMap<>();
  private static final AtomicInteger started = new AtomicInteger(); // log names unique across nodes

  TrainerProcesses(SimulatedContainerRuntime runtime, Path logs) {
    this.runtime = runtime;
    this.logs = logs;
  }

  @Override
  public void started(String id, ContainerSpec spec) {
    if (!spec.labels().containsKey("gpuhub.job")) return;
    ProcessBuilder pb = new ProcessBuilder(dev.gpuhub.server.hub.jobs.JobRendezvous.jobCommand(spec.command())); // no tunnel: one host
    pb.environment().putAll(spec.env());
    pb.environment().put(ContainerSpec.NVIDIA_VISIBLE_DEVICES, String.join(",", spec.gpuDeviceUuids()));
    File log = logs.resolve(spec.name() + "-" + started.incrementAndGet() + ".log").toFile();
    pb.redirectErrorStream(true).redirectOutput(log);
    Process p;
    try {
      Files.createDirectories(logs);
      p = pb.start();
    } catch (IOException e) {
      runtime.exit(id, 127);
      return;
    }
    running.put(id, p);
    p.onExit().thenAccept(done -> {
      if (running.remove(id) == null) return; // ended by the container
      try {
        runtime.exit(id, done.exitValue());
      } catch (RuntimeException gone) {
        // removed meanwhile
      }
    });
  }

  @Override
  public void ended(String id) {
    Process p = running.remove(id);
    if (p == null) return;
    p.destroy();
    try {
      if (!p.waitFor(3, TimeUnit.SECONDS)) p.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  /** Trainer processes alive now. */
  int alive() {
    return (int) running.values().stream().filter(Process::isAlive).count();
  }

  /** Every process started so far. */
  int startedCount() {
    return started.get();
  }

  /** Log files of a container name's runs, oldest first. */
  List<Path> logsOf(String containerName) throws IOException {
    try (var files = Files.list(logs)) {
      return files.filter(f -> f.getFileName().toString().startsWith(containerName + "-"))
          .sorted(java.util.Comparator.comparingInt(TrainerProcesses::runNumber)).toList();
    }
  }

  private static int runNumber(Path log) {
    String n = log.getFileName().toString();
    return Integer.parseInt(n.substring(n.lastIndexOf('-') + 1, n.length() - ".log".length()));
  }

  @Override
  public void close() {
    for (String id : List.copyOf(running.keySet())) ended(id);
  }
}
