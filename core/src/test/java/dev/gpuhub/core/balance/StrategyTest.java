package dev.gpuhub.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StrategyTest {

  @Test
  void wireNamesAreTheSeedsAndExact() {
    assertThat(Strategy.fromWireName("round_robin")).contains(Strategy.ROUND_ROBIN);
    assertThat(Strategy.fromWireName("least_connections")).contains(Strategy.LEAST_CONNECTIONS);
    assertThat(Strategy.fromWireName("Round_Robin")).isEmpty();
    assertThat(Strategy.fromWireName("random")).isEmpty();
    assertThat(Strategy.fromWireName("")).isEmpty();
    assertThat(Strategy.LEAST_CONNECTIONS).hasToString("least_connections");
  }
}
