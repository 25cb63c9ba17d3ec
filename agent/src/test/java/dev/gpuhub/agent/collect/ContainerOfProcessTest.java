package dev.gpuhub.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerOfProcessTest {
  static final String ID = "4f1c2b3a4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8";

  @TempDir Path proc;

  @Test
  void cgroupV2WithTheSystemdDriver() {
    assertThat(ContainerOfProcess.fromCgroup("0::/system.slice/docker-" + ID + ".scope\n")).contains(ID);
  }

  @Test
  void cgroupV1WithTheCgroupfsDriver() {
    assertThat(ContainerOfProcess.fromCgroup("12:memory:/docker/" + ID + "\n11:cpu,cpuacct:/docker/" + ID + "\n"))
        .contains(ID);
  }

  @Test
  void aHostProcessRunsInNoContainer() {
    assertThat(ContainerOfProcess.fromCgroup("0::/user.slice/user-1000.slice/session-3.scope\n")).isEmpty();
  }

  @Test
  void readsTheProcessTableAndAnExitedProcessRunsInNone() throws Exception {
    Files.createDirectories(proc.resolve("4101"));
    Files.writeString(proc.resolve("4101/cgroup"), "0::/system.slice/docker-" + ID + ".scope\n");
    ContainerOfProcess containers = new ContainerOfProcess(proc);
    assertThat(containers.of(4101)).contains(ID);
    assertThat(containers.of(4102)).isEmpty();
  }
}
