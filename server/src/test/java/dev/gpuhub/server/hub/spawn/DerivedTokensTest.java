package dev.gpuhub.server.hub.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The gateway and kernel host tokens of a multi-node server are derived from its token (HMAC-SHA256). */
class DerivedTokensTest {
  @Test
  void derivedTokensAreStableDistinctAndDependOnTheServerToken() {
    String token = "0123456789abcdef";
    assertThat(Spawner.gatewayToken(token)).isEqualTo(Spawner.gatewayToken(token)).hasSize(64).matches("[0-9a-f]+");
    assertThat(Spawner.kernelHostToken(token, "a")).isEqualTo(Spawner.kernelHostToken(token, "a"))
        .isNotEqualTo(Spawner.kernelHostToken(token, "b")).isNotEqualTo(Spawner.gatewayToken(token))
        .isNotEqualTo(token);
    assertThat(Spawner.gatewayToken("another")).isNotEqualTo(Spawner.gatewayToken(token));
  }
}
