package dev.gpuhub.server.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HomeQuotaTest {
  private final HomeQuota tenGb = HomeQuota.fromEnv(Map.of("GPUHUB_HOME_QUOTA_GB", "10"));

  @Test
  void aHomeIsWarnedAtNinetyPercentOverTheLimitAndRefusedPastTheGrace() {
    assertThat(tenGb.limitBytes()).isEqualTo(10_000_000_000L);
    assertThat(tenGb.refusedAbove()).isEqualTo(11_000_000_000L);
    assertThat(tenGb.state(8_999_999_999L)).isEqualTo(HomeQuota.State.OK);
    assertThat(tenGb.message(8_999_999_999L)).isNull();
    assertThat(tenGb.state(9_000_000_000L)).isEqualTo(HomeQuota.State.WARNING);
    assertThat(tenGb.message(9_200_000_000L)).isEqualTo("Your home uses 9.2 GB of your 10.0 GB quota (92 %): delete files "
        + "you no longer need before it is full");
    assertThat(tenGb.state(10_500_000_000L)).isEqualTo(HomeQuota.State.OVER);
    assertThat(tenGb.message(10_500_000_000L)).contains("over the quota").contains("refused past 11.0 GB");
    assertThat(tenGb.state(11_000_000_001L)).isEqualTo(HomeQuota.State.REFUSED);
    assertThat(tenGb.message(11_000_000_001L)).contains("more than the quota and its 10 % grace (11.0 GB), so no server starts");
  }

  @Test
  void noLimitByDefaultAndBadSettingsAreNamed() {
    assertThat(HomeQuota.fromEnv(Map.of()).state(Long.MAX_VALUE)).isEqualTo(HomeQuota.State.NONE);
    assertThat(HomeQuota.fromEnv(Map.of("GPUHUB_HOME_QUOTA_GB", "0.5", "GPUHUB_HOME_QUOTA_GRACE_PERCENT", "0")).refusedAbove())
        .isEqualTo(500_000_000L);
    assertThatThrownBy(() -> HomeQuota.fromEnv(Map.of("GPUHUB_HOME_QUOTA_GB", "-1"))).hasMessageContaining("GPUHUB_HOME_QUOTA_GB");
    assertThatThrownBy(() -> HomeQuota.fromEnv(Map.of("GPUHUB_HOME_QUOTA_GB", "lots"))).hasMessageContaining("GPUHUB_HOME_QUOTA_GB");
    assertThatThrownBy(() -> HomeQuota.fromEnv(Map.of("GPUHUB_HOME_QUOTA_GRACE_PERCENT", "150")))
        .hasMessageContaining("GPUHUB_HOME_QUOTA_GRACE_PERCENT");
  }
}
