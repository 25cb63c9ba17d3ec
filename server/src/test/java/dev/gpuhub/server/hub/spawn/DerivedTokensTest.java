package dev.gpuhub.server.hub.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The gateway and kernel host tokens of a multi-node server are derived from its token (HMAC-SHA256). */
class DerivedTokensTest {
  @Test
  void derivedTokensAreStableDistinctAndDependOnTheServerToken() {
    String token = "0123456789abcdef";
    assertThat(ServerContainers.gatewayToken(token)).isEqualTo(ServerContainers.gatewayToken(token)).hasSize(64).matches("[0-9a-f]+");
    assertThat(ServerContainers.kernelHostToken(token, "a")).isEqualTo(ServerContainers.kernelHostToken(token, "a"))
        .isNotEqualTo(ServerContainers.kernelHostToken(token, "b")).isNotEqualTo(ServerContainers.gatewayToken(token))
        .isNotEqualTo(token);
    assertThat(ServerContainers.gatewayToken("another")).isNotEqualTo(ServerContainers.gatewayToken(token));
  }
}
