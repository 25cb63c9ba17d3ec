package dev.gpuhub.core.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {

  @Test
  void doublesFromInitialUpToMax() {
    BackoffPolicy p = new BackoffPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30));
    assertThat(p.delayNanos(1)).isEqualTo(1_000_000_000L);
    assertThat(p.delayNanos(2)).isEqualTo(2_000_000_000L);
    assertThat(p.delayNanos(3)).isEqualTo(4_000_000_000L);
    assertThat(p.delayNanos(5)).isEqualTo(16_000_000_000L);
    assertThat(p.delayNanos(6)).isEqualTo(30_000_000_000L);
    assertThat(p.delayNanos(Integer.MAX_VALUE)).isEqualTo(30_000_000_000L);
    assertThat(p.delayNanos(0)).isEqualTo(1_000_000_000L);
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new BackoffPolicy(Duration.ofSeconds(-1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BackoffPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least the initial");
  }
}
