package dev.gpuhub.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.wire.AgentAuth;
import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
  private static final String TOKEN = AgentAuth.generateToken();
  private static final AgentConfig BASE = AgentConfig.of("http://10.0.0.1:15002", TOKEN);

  @Test
  void defaultsAreTheSeedDefaults() {
    assertThat(BASE.server()).isEqualTo(URI.create("http://10.0.0.1:15002"));
    assertThat(BASE.interval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(BASE.cpuSample()).isEqualTo(Duration.ofSeconds(1));
    assertThat(BASE.maxContainers()).isEqualTo(10);
    assertThat(BASE.nvidiaSmiPath()).isEqualTo("nvidia-smi");
    assertThat(BASE.hostname()).isNull();
    assertThat(BASE.ip()).isNull();
    assertThat(BASE.dockerHost()).isNull();
    assertThat(BASE.apiPort()).isEqualTo(15003);
    assertThat(BASE.apiBind()).isNull();
    assertThat(BASE.apiEnabled()).isTrue();
  }

  @Test
  void nodeApiCanMoveToAnyPortOrBeTurnedOff() {
    assertThat(BASE.withApiPort(0).apiPort()).isZero();
    assertThat(BASE.withApiPort(18003).withApiBind("0.0.0.0").apiBind()).isEqualTo("0.0.0.0");
    assertThat(BASE.withApiPort(AgentConfig.API_DISABLED).apiEnabled()).isFalse();
    assertThat(BASE.withApiBind(" ").apiBind()).isNull();
  }

  @Test
  void overridesAreKept() {
    AgentConfig c = BASE.withHostname("gpu-1").withIp("192.168.1.20").withInterval(Duration.ofSeconds(5))
        .withCpuSample(Duration.ofMillis(200)).withMaxContainers(4).withNvidiaSmiPath("/opt/nvidia-smi")
        .withDockerHost("unix:///run/docker.sock");
    assertThat(c).isEqualTo(new AgentConfig(URI.create("http://10.0.0.1:15002"), TOKEN, "gpu-1", "192.168.1.20",
        Duration.ofSeconds(5), Duration.ofMillis(200), 4, "/opt/nvidia-smi", "unix:///run/docker.sock"));
    assertThat(c.withApiPort(0).withApiBind("192.168.1.20")).isEqualTo(new AgentConfig(URI.create("http://10.0.0.1:15002"),
        TOKEN, "gpu-1", "192.168.1.20", Duration.ofSeconds(5), Duration.ofMillis(200), 4, "/opt/nvidia-smi",
        "unix:///run/docker.sock", 0, "192.168.1.20", null));
    assertThat(BASE.withIp("fd00::1").ip()).isEqualTo("fd00::1");
  }

  @Test
  void invalidValuesNameTheirOption() {
    assertInvalid(() -> AgentConfig.of("localhost:15002", TOKEN), "--server");
    assertInvalid(() -> AgentConfig.of("ftp://10.0.0.1", TOKEN), "--server");
    assertInvalid(() -> AgentConfig.of("", TOKEN), "--server");
    assertInvalid(() -> AgentConfig.of("http://10.0.0.1:15002", "short"), "GPUHUB_AGENT_TOKEN");
    assertInvalid(() -> AgentConfig.of("http://10.0.0.1:15002", null), "GPUHUB_AGENT_TOKEN");
    assertInvalid(() -> BASE.withHostname("bad name"), "--hostname");
    assertInvalid(() -> BASE.withIp("999.1.1.1"), "--ip");
    assertInvalid(() -> BASE.withIp("gpu-1.example.org"), "--ip");
    assertInvalid(() -> BASE.withInterval(Duration.ofMillis(500)), "--interval");
    assertInvalid(() -> BASE.withCpuSample(Duration.ofSeconds(15)), "--cpu-sample");
    assertInvalid(() -> BASE.withCpuSample(Duration.ofMillis(1)), "--cpu-sample");
    assertInvalid(() -> BASE.withMaxContainers(0), "--max-containers");
    assertInvalid(() -> BASE.withDockerHost("http://10.0.0.1:2375"), "--docker-host");
    assertInvalid(() -> BASE.withApiPort(65536), "--api-port");
    assertInvalid(() -> BASE.withApiPort(-2), "--api-port");
    assertInvalid(() -> BASE.withApiBind("gpu-1.example.org"), "--api-bind");
    assertInvalid(() -> BASE.withApiBind("300.1.1.1"), "--api-bind");
  }

  @Test
  void toStringHidesTheToken() {
    assertThat(BASE.toString()).doesNotContain(TOKEN).contains("token=***");
  }

  private static void assertInvalid(Supplier<AgentConfig> config, String option) {
    assertThatThrownBy(config::get).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(option);
  }
}
