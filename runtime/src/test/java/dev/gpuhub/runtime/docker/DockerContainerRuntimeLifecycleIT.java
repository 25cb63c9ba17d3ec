package dev.gpuhub.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.runtime.ContainerRuntime;
import dev.gpuhub.runtime.ContainerRuntimeContract;
import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.runtime.ContainerStartException;
import dev.gpuhub.testkit.LocalDockerd;
import dev.gpuhub.testkit.TestImages;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The runtime contract against a real, private dockerd, plus what only Docker can show (limits, init, failures after create). */
class DockerContainerRuntimeLifecycleIT extends ContainerRuntimeContract {
  private static final List<String> SLEEP = List.of("sleep", "300");
  /** Prints memory limit, CPU quota and CPU period from inside a container, on cgroup v2 or v1. */
  private static final String CGROUP_LIMITS = "if [ -f /sys/fs/cgroup/memory.max ]; "
      + "then cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max; "
      + "else cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us "
      + "/sys/fs/cgroup/cpu/cpu.cfs_period_us; fi";
  private static LocalDockerd dockerd;
  private static String image;
  private static DockerContainerRuntime runtime;

  @BeforeAll
  static void connect() {
    dockerd = LocalDockerd.shared();
    image = TestImages.busybox(dockerd);
    runtime = DockerContainerRuntime.connect(dockerd.dockerHost());
  }

  /** The notebook image: its jovyan (uid 1000) home is what a new home volume starts as. */
  private static String notebookImage() {
    return TestImages.notebook(dockerd);
  }

  @AfterAll
  static void disconnect() {
    runtime.close();
  }

  @Override
  protected ContainerRuntime runtime() {
    return runtime;
  }

  @Override
  protected String image() {
    return image;
  }

  @Override
  protected List<String> longRunningCommand() {
    return SLEEP;
  }

  @Override
  protected String startExiting(String name, int exitCode) {
    return runtime.start(ContainerSpec.of(name, image, List.of("sh", "-c", "exit " + exitCode)));
  }

  @Test
  void dockerInspectShowsLimitsWorkloadNetworkInitAndNoGpus() {
    String name = uniqueName("rt-limits");
    String id = runtime.start(ContainerSpec.of(name, image, SLEEP).withLimits(1.5, 256L * 1024 * 1024)
        .withEnv(Map.of("JUPYTERHUB_USER", "alice")));
    String shown = dockerd.docker("inspect", "-f",
        "{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}} {{.HostConfig.NetworkMode}} {{.HostConfig.Init}}", id);
    assertThat(shown).isEqualTo("1500000000 268435456 gpuhub-workloads true");
    assertThat(dockerd.docker("inspect", "-f", "{{json .Config.Env}}", id))
        .contains("\"JUPYTERHUB_USER=alice\"").contains("\"NVIDIA_VISIBLE_DEVICES=void\"");
    assertThat(dockerd.docker("exec", name, "sh", "-c", CGROUP_LIMITS).split("\\s+"))
        .as("memory limit, cpu quota and period inside the container").containsExactly("268435456", "150000", "100000");
  }

  @Test
  void secretFilesAreOnlyTheWorkloadUsersAndNotInWhatDockerShows() {
    String name = uniqueName("rt-secrets");
    String key = "-----BEGIN PRIVATE KEY-----\nnot-really-a-key-" + name + "\n-----END PRIVATE KEY-----\n";
    String id = runtime.start(ContainerSpec.of(name, image, SLEEP).withFiles(Map.of("server.key", key)));
    assertThat(dockerd.docker("exec", name, "cat", ContainerSpec.SECRETS_DIR + "/server.key")).isEqualTo(key.strip());
    assertThat(dockerd.docker("exec", name, "stat", "-c", "%a %u:%g %n", ContainerSpec.SECRETS_DIR,
        ContainerSpec.SECRETS_DIR + "/server.key").lines().toList())
        .containsExactly("500 1000:1000 " + ContainerSpec.SECRETS_DIR, "400 1000:1000 " + ContainerSpec.SECRETS_DIR + "/server.key");
    assertThat(dockerd.docker("exec", "-u", "1001:1001", name, "sh", "-c",
        "cat " + ContainerSpec.SECRETS_DIR + "/server.key 2>&1 || true")).as("another user of the image").contains("Permission denied");
    assertThat(dockerd.docker("inspect", id)).doesNotContain("not-really-a-key");
    assertThat(ContainerSpec.of(name, image, SLEEP).withFiles(Map.of("server.key", key)).toString()).doesNotContain("not-really");
  }

  @Test
  void aHomeVolumeOutlivesItsContainerAndStartsAsTheImagesHomeOwnedByTheWorkloadUser() {
    String home = uniqueName("gpuhub-home-rt");
    var mount = List.of(new dev.gpuhub.runtime.VolumeMount(home, "/home/jovyan", false));
    String first = uniqueName("rt-home-a");
    runtime.start(ContainerSpec.of(first, notebookImage(), SLEEP).withVolumes(mount));
    assertThat(dockerd.docker("exec", first, "stat", "-c", "%u:%g", "/home/jovyan")).as("the home's owner").isEqualTo("1000:1000");
    dockerd.docker("exec", first, "sh", "-c", "printf 'kept \\001\\377' > /home/jovyan/keep.txt");
    runtime.remove(first);
    assertThat(dockerd.docker("volume", "inspect", "-f", "{{json .Labels}}", home)).contains("\"gpuhub.managed\":\"true\"");
    String second = uniqueName("rt-home-b");
    runtime.start(ContainerSpec.of(second, notebookImage(), SLEEP).withVolumes(mount));
    assertThat(dockerd.docker("exec", second, "base64", "/home/jovyan/keep.txt")).as("byte for byte")
        .isEqualTo(java.util.Base64.getEncoder().encodeToString(new byte[] {'k', 'e', 'p', 't', ' ', 1, (byte) 0xff}));
    runtime.remove(second);
    assertThat(dockerd.docker("volume", "ls", "-q", "--filter", "name=" + home)).as("removing containers never removes a home")
        .isEqualTo(home);
    assertThat(runtime.volumes()).filteredOn(v -> v.name().equals(home)).singleElement()
        .satisfies(v -> assertThat(v.sizeBytes()).isGreaterThanOrEqualTo(7));
    // Only gpuhub's own volumes can be removed, and only by this explicit call.
    String foreign = uniqueName("someone-elses");
    dockerd.docker("volume", "create", foreign);
    assertThat(runtime.removeVolume(foreign)).isFalse();
    assertThat(dockerd.docker("volume", "ls", "-q", "--filter", "name=" + foreign)).isEqualTo(foreign);
    dockerd.docker("volume", "rm", foreign);
    assertThat(runtime.removeVolume(home)).isTrue();
    assertThat(dockerd.docker("volume", "ls", "-q", "--filter", "name=" + home)).isEmpty();
    assertThat(runtime.removeVolume(home)).isFalse();
  }

  @Test
  void aPublishedPortAnswersOnTheNodeAddressAndTheNetworkKeepsContainersApart() throws Exception {
    int port = dev.gpuhub.testkit.FreePorts.pick();
    String name = uniqueName("rt-port");
    String id = runtime.start(ContainerSpec.of(name, image, List.of("httpd", "-f", "-p", Integer.toString(port), "-h", "/"))
        .withPorts(List.of(port)));
    assertThat(dockerd.docker("inspect", "-f", "{{json .HostConfig.PortBindings}}", id))
        .isEqualTo("{\"" + port + "/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"" + port + "\"}]}");
    assertThat(dockerd.docker("network", "inspect", "-f", "{{json .Options}} {{.Driver}}", "gpuhub-workloads"))
        .isEqualTo("{\"com.docker.network.bridge.enable_icc\":\"false\"} bridge");
    long deadline = System.nanoTime() + 20_000_000_000L;
    String answer = "";
    while (System.nanoTime() < deadline && !answer.startsWith("HTTP/")) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        s.setSoTimeout(2000);
        s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        answer = new String(s.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
      } catch (java.io.IOException notYet) {
        Thread.sleep(100);
      }
    }
    assertThat(answer).as("the container's httpd through the published port").startsWith("HTTP/1.");
  }

  @Test
  void aGpuRequestThisNodeCannotServeFailsAndLeavesNothingBehind() {
    String name = uniqueName("rt-gpu");
    assertThatThrownBy(() -> runtime.start(ContainerSpec.of(name, image, SLEEP)
        .withGpuDeviceUuids(List.of("GPU-00000000-0000-0000-0000-000000000000"))))
        .isInstanceOfSatisfying(ContainerStartException.class,
            e -> assertThat(e.reason()).isEqualTo(ContainerStartException.Reason.FAILED))
        .hasMessageContaining(name)
        .hasMessageContaining("nvidia");
    assertThat(dockerd.docker("ps", "-a", "-q", "--filter", "name=" + name)).isEmpty();
  }

  @Test
  void aCommandMissingFromTheImageEndsWith127AndTheLogsSayWhy() {
    // The init process (PID 1) starts fine and then fails to exec the command, so the start succeeds.
    String id = runtime.start(ContainerSpec.of(uniqueName("rt-nocmd"), image, List.of("no-such-binary")));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!runtime.inspect(id).orElseThrow().finished() && System.nanoTime() < deadline) sleep(50);
    assertThat(runtime.inspect(id).orElseThrow().exitCode()).isEqualTo(127);
    assertThat(runtime.logsTail(id, 5)).contains("no-such-binary");
  }

  @Test
  void logsTailHasTheLastLinesOfStdoutAndStderr() {
    String id = runtime.start(ContainerSpec.of(uniqueName("rt-logs"), image,
        List.of("sh", "-c", "for i in 1 2 3 4 5; do echo line$i; done; sleep 0.2; echo oops >&2; sleep 300")));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String tail = runtime.logsTail(id, 3);
    while (!tail.contains("oops") && System.nanoTime() < deadline) {
      sleep(50);
      tail = runtime.logsTail(id, 3);
    }
    assertThat(tail).isEqualTo("line4\nline5\noops\n");
  }
}
