package dev.gpuhub.server.hub.spawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GpuIdleConfigTest {
  @Test
  void defaultsAnHourWithTenMinutesWarning() {
    GpuIdleConfig c = GpuIdleConfig.defaults();
    assertThat(c.limitFor(null)).isEqualTo(Duration.ofHours(1));
    assertThat(c.warningBefore(c.limitFor(null))).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.exemptGroup()).isEqualTo("gpu-idle-exempt");
  }

  @Test
  void aProfilesOwnLimitWinsAndTheWarningIsAtMostHalfOfIt() {
    GpuIdleConfig c = GpuIdleConfig.defaults();
    assertThat(c.limitFor(0.2)).isEqualTo(Duration.ofSeconds(12));
    assertThat(c.warningBefore(Duration.ofSeconds(12))).isEqualTo(Duration.ofSeconds(6));
    assertThat(c.limitFor(0.0)).isZero();
  }

  @Test
  void badSettingsNameTheVariable() {
    assertThatThrownBy(() -> GpuIdleConfig.fromEnv(Map.of("GPUHUB_GPU_IDLE_MINUTES", "-5")))
        .hasMessageContaining("GPUHUB_GPU_IDLE_MINUTES");
    assertThatThrownBy(() -> GpuIdleConfig.fromEnv(Map.of("GPUHUB_GPU_IDLE_CHECK_SECONDS", "0")))
        .hasMessageContaining("GPUHUB_GPU_IDLE_CHECK_SECONDS");
  }
}
