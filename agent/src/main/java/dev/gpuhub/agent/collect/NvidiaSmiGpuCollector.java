package dev.gpuhub.agent.collect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists this node's GPUs by running nvidia-smi (the seed used gpustat, which wraps it).
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
  private State state = State.UNKNOWN;

  public NvidiaSmiGpuCollector(String binary) {
    this(binary, DEFAULT_TIMEOUT);
  }

  public NvidiaSmiGpuCollector(String binary, Duration timeout) {
    this.binary = binary == null || binary.isBlank() ? DEFAULT_BINARY : binary;
    this.timeout = timeout;
  }

  /** Runs nvidia-smi once; blocks at most for the timeout. */
  public synchronized GpuSnapshot collect() {
    List<String> command = new ArrayList<>(List.of(binary));
    command.addAll(NvidiaSmiCsvParser.ARGUMENTS);
    Process process;
    try {
      process = new ProcessBuilder(command).start();
    } catch (IOException e) {
      enter(State.MISSING, "{} could not be run ({}): reporting has_gpu=false. Install the NVIDIA driver, "
          + "or pass --nvidia-smi PATH if it lives elsewhere", binary, e.getMessage());
      return GpuSnapshot.NONE;
    }
    CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
    CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
    try {
      process.getOutputStream().close();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        enter(State.TIMING_OUT, "{} did not answer within {} ms and was killed: reporting has_gpu=false. "
            + "Check the NVIDIA driver (nvidia-smi hangs when it is wedged)", binary, timeout.toMillis());
        return GpuSnapshot.NONE;
      }
      if (process.exitValue() != 0) {
        enter(State.FAILING, "{} exited with {}: reporting has_gpu=false. Its message: {}", binary,
            process.exitValue(), excerpt(stderr.join().isBlank() ? stdout.join() : stderr.join()));
        return GpuSnapshot.NONE;
      }
      GpuSnapshot snapshot = GpuSnapshot.of(NvidiaSmiCsvParser.parse(stdout.join()));
      if (state != State.WORKING && state != State.UNKNOWN) {
        LOG.info("{} works again: {} GPU(s)", binary, snapshot.gpus().size());
      }
      state = State.WORKING;
      return snapshot;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(process);
      return GpuSnapshot.NONE;
    } catch (IOException | RuntimeException e) {
      enter(State.FAILING, "reading the output of {} failed ({}): reporting has_gpu=false", binary, e.getMessage());
      return GpuSnapshot.NONE;
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
