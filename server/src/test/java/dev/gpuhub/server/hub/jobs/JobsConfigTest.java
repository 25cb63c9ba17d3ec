package dev.gpuhub.server.hub.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Job settings: seed defaults, validated once with the variable named. */
class JobsConfigTest {
  @Test
  void defaults() {
    JobsConfig c = JobsConfig.defaults();
    assertThat(c.interval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.restartDelaySeconds()).isEqualTo(30);
    assertThat(c.hubUrl()).isNull();
    assertThat(c.masterPortBase()).isEqualTo(40000);
    assertThat(c.masterPortMax()).isEqualTo(40999);
    assertThat(c.checkpointDir(7)).isEqualTo("/tmp/gpuhub-checkpoints/job-7");
  }

  @Test
  void readsTheEnvironment() {
    JobsConfig c = JobsConfig.fromEnv(Map.of("GPUHUB_JOB_INTERVAL_SECONDS", "2", "GPUHUB_HUB_URL", "http://hub.lab:18000/",
        "GPUHUB_JOB_CHECKPOINT_ROOT", "/shared/ckpt/", "GPUHUB_JOB_RESTART_DELAY_SECONDS", "0"));
    assertThat(c.interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.hubUrl()).isEqualTo("http://hub.lab:18000");
    assertThat(c.checkpointDir(3)).isEqualTo("/shared/ckpt/job-3");
    assertThat(c.restartDelaySeconds()).isZero();
  }

  @Test
  void badValuesNameTheVariable() {
    assertThatThrownBy(() -> JobsConfig.fromEnv(Map.of("GPUHUB_JOB_INTERVAL_SECONDS", "0")))
        .hasMessageStartingWith("GPUHUB_JOB_INTERVAL_SECONDS");
    assertThatThrownBy(() -> JobsConfig.fromEnv(Map.of("GPUHUB_HUB_URL", "hub.lab:18000")))
        .hasMessageStartingWith("GPUHUB_HUB_URL");
    assertThatThrownBy(() -> JobsConfig.fromEnv(Map.of("GPUHUB_HUB_URL", "http://bad host")))
        .hasMessageStartingWith("GPUHUB_HUB_URL");
    assertThatThrownBy(() -> JobsConfig.fromEnv(Map.of("GPUHUB_JOB_RESTART_DELAY_SECONDS", "-1")))
        .hasMessageStartingWith("GPUHUB_JOB_RESTART_DELAY_SECONDS");
  }
}
