package dev.gpuhub.agent.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesFromOneSecondUpToTheInterval() {
    Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(15));
    assertThat(new long[] {b.next().toSeconds(), b.next().toSeconds(), b.next().toSeconds(), b.next().toSeconds(),
        b.next().toSeconds(), b.next().toSeconds()}).containsExactly(1, 2, 4, 8, 15, 15);
    b.reset();
    assertThat(b.next()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void anInitialDelayAboveTheCapIsCapped() {
    Backoff b = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(2));
    assertThat(b.next()).isEqualTo(Duration.ofSeconds(2));
    assertThat(b.next()).isEqualTo(Duration.ofSeconds(2));
  }
}
