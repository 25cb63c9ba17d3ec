package dev.gpuhub.agent.collect;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;

/**
 * Measures CPU, memory and disk of this host with OSHI. {@link #collect()} blocks for the CPU
 * sample duration and never throws: a figure that cannot be read is reported as {@code null}.
 */
public final class HostMetricsCollector {
  /** CPU usage is sampled over this period by default (seed: psutil.cpu_percent(interval=1)). */
  public static final Duration DEFAULT_CPU_SAMPLE = Duration.ofSeconds(1);
  /** Disk usage is that of the file system holding this path. */
  static final Path DISK_PATH = Path.of("/");
  private static final double BYTES_PER_GIB = 1024.0 * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(HostMetricsCollector.class);

  private final Duration cpuSample;
  private final CentralProcessor processor;
  private final GlobalMemory memory;

  public HostMetricsCollector(Duration cpuSample) {
    if (cpuSample.isNegative() || cpuSample.isZero()) {
      throw new IllegalArgumentException("cpu sample duration must be positive, was " + cpuSample);
    }
    this.cpuSample = cpuSample;
    SystemInfo system = new SystemInfo();
    this.processor = system.getHardware().getProcessor();
    this.memory = system.getHardware().getMemory();
  }

  /** Samples the host; blocks for the CPU sample duration. */
  public HostMetrics collect() {
    int cores = processor.getLogicalProcessorCount();
    if (cores < 1) cores = Runtime.getRuntime().availableProcessors();
    long total = memory.getTotal();
    Double memoryUsage = Rounding.percent(total - memory.getAvailable(), total, 1);
    return new HostMetrics(cores, Rounding.round(total / BYTES_PER_GIB, 2), cpuUsage(), memoryUsage, diskUsage());
  }

  private Double cpuUsage() {
    try {
      long[] before = processor.getSystemCpuLoadTicks();
      Thread.sleep(cpuSample.toMillis());
      double load = processor.getSystemCpuLoadBetweenTicks(before);
      return load < 0 ? null : Rounding.round(Math.min(1, load) * 100, 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (RuntimeException e) {
      LOG.warn("could not sample CPU usage: {}", e.toString());
      return null;
    }
  }

  /** Used / (used + available to users), as df prints it. */
  private static Double diskUsage() {
    try {
      FileStore store = Files.getFileStore(DISK_PATH);
      long used = store.getTotalSpace() - store.getUnallocatedSpace();
      return Rounding.percent(used, used + store.getUsableSpace(), 1);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not read disk usage of {}: {}", DISK_PATH, e.toString());
      return null;
    }
  }
}
