package dev.gpuhub.agent.collect;

import dev.gpuhub.core.node.GpuDevice;
import dev.gpuhub.core.node.GpuProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists this node's GPUs, and the processes using each with their containers, by running nvidia-smi
 * (the seed used gpustat, which wraps it).
 *
 * <p>{@link #collect()} never throws: a missing binary, a non-zero exit or a run past the timeout
 * all mean {@link GpuSnapshot#NONE}. Each change of state (working, missing, failing, timing out)
 * is logged once, so a node without GPUs logs one warning, not one per heartbeat.
 */
public final class NvidiaSmiGpuCollector {
  /** Looked up on PATH unless the operator names a path. */
  public static final String DEFAULT_BINARY = "nvidia-smi";
  /** nvidia-smi can hang when the driver is wedged; we give up after this long. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  /** Longest stderr excerpt quoted in a warning. */
  private static final int MAX_STDERR_CHARS = 300;

  private static final Logger LOG = LoggerFactory.getLogger(NvidiaSmiGpuCollector.class);

  /** The last outcome, so that only changes are logged. */
  private enum State { UNKNOWN, WORKING, MISSING, FAILING, TIMING_OUT }

  private final String binary;
  private final Duration timeout;
  private final ContainerOfProcess containers;
  private State state = State.UNKNOWN;
  /** Whether the last listing of the GPUs' processes worked (so that only a change is logged). */
  private boolean appsListed = true;

  public NvidiaSmiGpuCollector(String binary) {
    this(binary, DEFAULT_TIMEOUT);
  }

  public NvidiaSmiGpuCollector(String binary, Duration timeout) {
    this(binary, timeout, Path.of("/proc"));
  }

  /** @param procRoot the process table, to find each GPU process's container ({@code /proc} on a node) */
  public NvidiaSmiGpuCollector(String binary, Duration timeout, Path procRoot) {
    this.binary = binary == null || binary.isBlank() ? DEFAULT_BINARY : binary;
    this.timeout = timeout;
    this.containers = new ContainerOfProcess(procRoot);
  }

  /**
   * Runs nvidia-smi: once for the GPUs and, when there are any, once for the processes using them;
   * blocks at most twice the timeout. When the processes cannot be listed (a driver without the
   * query, a failing run) the GPUs are reported without them ({@link GpuDevice#processes()} null).
   */
  public synchronized GpuSnapshot collect() {
    Run gpus = run(NvidiaSmiCsvParser.ARGUMENTS);
    if (gpus.failure != null) {
      enter(gpus.failure, gpus.warning, gpus.args);
      return GpuSnapshot.NONE;
    }
    GpuSnapshot snapshot;
    try {
      snapshot = GpuSnapshot.of(NvidiaSmiCsvParser.parse(gpus.stdout));
    } catch (RuntimeException e) {
      enter(State.FAILING, "reading the output of {} failed ({}): reporting has_gpu=false", binary, e.getMessage());
      return GpuSnapshot.NONE;
    }
    if (state != State.WORKING && state != State.UNKNOWN) {
      LOG.info("{} works again: {} GPU(s)", binary, snapshot.gpus().size());
    }
    state = State.WORKING;
    if (!snapshot.hasGpu()) return snapshot;
    Run apps = run(NvidiaSmiComputeAppsParser.ARGUMENTS);
    if (apps.failure != null) {
      if (appsListed) LOG.warn("{} could not list the processes on the GPUs: reporting GPUs without them", binary);
      appsListed = false;
      return snapshot;
    }
    appsListed = true;
    return GpuSnapshot.of(withProcesses(snapshot.gpus(), NvidiaSmiComputeAppsParser.parse(apps.stdout)));
  }

  /** Each GPU with the processes listed on it, each mapped to its container. */
  private List<GpuDevice> withProcesses(List<GpuDevice> gpus, List<ComputeApp> apps) {
    Map<String, List<GpuProcess>> byGpu = new HashMap<>();
    for (ComputeApp a : apps) {
      byGpu.computeIfAbsent(a.gpuUuid(), u -> new ArrayList<>())
          .add(new GpuProcess(a.pid(), a.usedMemoryMb(), containers.of(a.pid()).orElse(null)));
    }
    List<GpuDevice> out = new ArrayList<>(gpus.size());
    for (GpuDevice g : gpus) out.add(g.withProcesses(byGpu.getOrDefault(g.uuid(), List.of())));
    return out;
  }

  /** One run of nvidia-smi: its output, or why there is none (a state and its warning). */
  private record Run(String stdout, State failure, String warning, Object[] args) {
    static Run ok(String stdout) {
      return new Run(stdout, null, null, null);
    }

    static Run failed(State state, String warning, Object... args) {
      return new Run(null, state, warning, args);
    }
  }

  private Run run(List<String> arguments) {
    List<String> command = new ArrayList<>(List.of(binary));
    command.addAll(arguments);
    Process process;
    try {
      process = new ProcessBuilder(command).start();
    } catch (IOException e) {
      return Run.failed(State.MISSING, "{} could not be run ({}): reporting has_gpu=false. Install the NVIDIA driver, "
          + "or pass --nvidia-smi PATH if it lives elsewhere", binary, e.getMessage());
    }
    CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
    CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
    try {
      process.getOutputStream().close();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        return Run.failed(State.TIMING_OUT, "{} did not answer within {} ms and was killed: reporting has_gpu=false. "
            + "Check the NVIDIA driver (nvidia-smi hangs when it is wedged)", binary, timeout.toMillis());
      }
      if (process.exitValue() != 0) {
        return Run.failed(State.FAILING, "{} exited with {}: reporting has_gpu=false. Its message: {}", binary,
            process.exitValue(), excerpt(stderr.join().isBlank() ? stdout.join() : stderr.join()));
      }
      return Run.ok(stdout.join());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(process);
      return Run.failed(State.FAILING, "{} was interrupted: reporting has_gpu=false", binary);
    } catch (IOException | RuntimeException e) {
      return Run.failed(State.FAILING, "reading the output of {} failed ({}): reporting has_gpu=false", binary,
          e.getMessage());
    }
  }

  private void enter(State next, String warning, Object... args) {
    if (state != next) LOG.warn(warning, args);
    state = next;
  }

  /** Kills nvidia-smi and anything it started, so the output pipes close. */
  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String excerpt(String text) {
    String s = text.strip().replaceAll("\\s+", " ");
    return s.isEmpty() ? "(none)" : s.length() <= MAX_STDERR_CHARS ? s : s.substring(0, MAX_STDERR_CHARS) + "...";
  }
}
