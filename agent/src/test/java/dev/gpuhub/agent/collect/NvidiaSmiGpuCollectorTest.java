package dev.gpuhub.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.gpuhub.agent.LogCapture;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvidiaSmiGpuCollectorTest {
  @TempDir Path dir;

  @Test
  void missingBinaryMeansNoGpuAndOneWarning() {
    try (LogCapture log = LogCapture.of(NvidiaSmiGpuCollector.class)) {
      NvidiaSmiGpuCollector collector = new NvidiaSmiGpuCollector(dir.resolve("no-such-nvidia-smi").toString());
      assertThat(collector.collect()).isEqualTo(GpuSnapshot.NONE);
      assertThat(collector.collect()).isEqualTo(GpuSnapshot.NONE);
      assertThat(log.messages(Level.WARN)).singleElement()
          .satisfies(m -> assertThat(m).contains("no-such-nvidia-smi").contains("has_gpu=false").contains("--nvidia-smi"));
    }
  }

  @Test
  void failingBinaryMeansNoGpuAndQuotesItsMessage() {
    Path smi = Fixtures.script(dir, "nvidia-smi",
        "echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\" >&2; exit 1");
    try (LogCapture log = LogCapture.of(NvidiaSmiGpuCollector.class)) {
      assertThat(new NvidiaSmiGpuCollector(smi.toString()).collect()).isEqualTo(GpuSnapshot.NONE);
      assertThat(log.messages(Level.WARN)).singleElement()
          .satisfies(m -> assertThat(m).contains("exited with 1").contains("couldn't communicate"));
    }
  }

  @Test
  void eightGpusFromARecordedOutput() {
    GpuSnapshot snapshot = new NvidiaSmiGpuCollector(Fixtures.nvidiaSmiPrinting(dir, "gpus-8.csv").toString()).collect();
    assertThat(snapshot.hasGpu()).isTrue();
    assertThat(snapshot.gpus()).hasSize(8);
  }

  @Test
  void zeroGpusFromAnEmptyOutput() {
    assertThat(new NvidiaSmiGpuCollector(Fixtures.nvidiaSmiPrinting(dir, "gpus-0.csv").toString()).collect())
        .isEqualTo(GpuSnapshot.NONE);
  }

  @Test
  void hangingBinaryIsKilledAtTheTimeout() {
    Path smi = Fixtures.script(dir, "nvidia-smi", "sleep 30");
    NvidiaSmiGpuCollector collector = new NvidiaSmiGpuCollector(smi.toString(), Duration.ofMillis(300));
    long start = System.nanoTime();
    assertThat(collector.collect()).isEqualTo(GpuSnapshot.NONE);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aStateChangeIsLoggedAgainButARepeatIsNot() throws Exception {
    Path smi = Fixtures.script(dir, "nvidia-smi", "exit 3");
    NvidiaSmiGpuCollector collector = new NvidiaSmiGpuCollector(smi.toString());
    try (LogCapture log = LogCapture.of(NvidiaSmiGpuCollector.class)) {
      collector.collect();
      collector.collect();
      java.nio.file.Files.writeString(smi, "#!/bin/sh\ncat '" + Fixtures.path("gpus-1.csv") + "'\n");
      assertThat(collector.collect().gpus()).hasSize(1);
      java.nio.file.Files.writeString(smi, "#!/bin/sh\nexit 3\n");
      collector.collect();
      assertThat(log.messages(Level.WARN)).hasSize(2);
      assertThat(log.messages(Level.INFO)).singleElement().satisfies(m -> assertThat(m).contains("works again"));
    }
  }

  @Test
  void eachGpuListsItsProcessesWithTheirContainers() throws Exception {
    Path proc = dir.resolve("proc");
    java.nio.file.Files.createDirectories(proc.resolve("4101"));
    java.nio.file.Files.writeString(proc.resolve("4101/cgroup"), "0::/system.slice/docker-" + ContainerOfProcessTest.ID + ".scope\n");
    java.nio.file.Files.createDirectories(proc.resolve("1733"));
    java.nio.file.Files.writeString(proc.resolve("1733/cgroup"), "0::/user.slice/user-1000.slice/session-2.scope\n");
    Path smi = Fixtures.nvidiaSmiPrinting(dir, "gpus-8.csv", "apps-8.csv");
    GpuSnapshot snapshot = new NvidiaSmiGpuCollector(smi.toString(), Duration.ofSeconds(5), proc).collect();
    assertThat(snapshot.gpus()).hasSize(8);
    assertThat(snapshot.gpus().get(0).processes()).extracting(p -> p.pid() + "@" + p.container())
        .containsExactly("4101@" + ContainerOfProcessTest.ID, "4188@null");
    assertThat(snapshot.gpus().get(1).processes()).singleElement()
        .satisfies(p -> assertThat(p.container()).isEqualTo(ContainerOfProcessTest.ID));
    assertThat(snapshot.gpus().get(2).processes()).isEmpty();
    assertThat(snapshot.gpus().get(7).processes()).singleElement()
        .satisfies(p -> assertThat(p.container()).as("a host process").isNull());
  }

  @Test
  void noProcessesOnAnyGpuIsAnEmptyListNotUnknown() {
    Path smi = Fixtures.nvidiaSmiPrinting(dir, "gpus-1.csv", "apps-0.csv");
    GpuSnapshot snapshot = new NvidiaSmiGpuCollector(smi.toString()).collect();
    assertThat(snapshot.gpus()).singleElement().satisfies(g -> assertThat(g.processes()).isEmpty());
  }

  @Test
  void aDriverThatCannotListProcessesStillReportsItsGpusWithProcessesUnknown() {
    try (LogCapture log = LogCapture.of(NvidiaSmiGpuCollector.class)) {
      NvidiaSmiGpuCollector collector = new NvidiaSmiGpuCollector(Fixtures.nvidiaSmiPrinting(dir, "gpus-1.csv").toString());
      assertThat(collector.collect().gpus()).singleElement().satisfies(g -> assertThat(g.processes()).isNull());
      assertThat(collector.collect().gpus()).hasSize(1);
      assertThat(log.messages(Level.WARN)).singleElement().satisfies(m -> assertThat(m).contains("processes"));
    }
  }
}
