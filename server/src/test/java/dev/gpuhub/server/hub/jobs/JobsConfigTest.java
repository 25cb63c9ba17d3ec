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
    assertThat(c.images()).containsExactly("gpuhub-notebook:latest");
    assertThat(c.refitInterval()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void jobsRunOnlyTheAllowedImages() {
    JobsConfig servers = JobsConfig.fromEnv(Map.of("GPUHUB_CPU_IMAGE", "lab/cpu:1", "GPUHUB_GPU_IMAGE", "lab/cuda:12"));
    assertThat(servers.images()).as("by default, the images users' servers run").containsExactlyInAnyOrder("lab/cpu:1", "lab/cuda:12");
    JobsConfig listed = JobsConfig.fromEnv(Map.of("GPUHUB_JOB_IMAGES", " trainer:1, lab/torch:2 ,"));
    assertThat(listed.images()).containsExactlyInAnyOrder("trainer:1", "lab/torch:2");
    listed.requireAllowedImage("trainer:1");
    assertThatThrownBy(() -> listed.requireAllowedImage("alpine:latest"))
        .isInstanceOfSatisfying(dev.gpuhub.wire.InvalidPayloadException.class, e -> assertThat(e.field()).isEqualTo("image"))
        .hasMessageContaining("'alpine:latest' is not an image training jobs may run").hasMessageContaining("lab/torch:2, trainer:1")
        .hasMessageContaining("GPUHUB_JOB_IMAGES");
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
    assertThatThrownBy(() -> JobsConfig.fromEnv(Map.of("GPUHUB_JOB_REFIT_SECONDS", "-1")))
        .hasMessageStartingWith("GPUHUB_JOB_REFIT_SECONDS");
    assertThatThrownBy(() -> JobsConfig.fromEnv(Map.of("GPUHUB_JOB_IMAGES", " , ")))
        .hasMessageStartingWith("GPUHUB_JOB_IMAGES");
  }
}
