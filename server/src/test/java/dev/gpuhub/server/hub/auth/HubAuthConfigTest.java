package dev.gpuhub.server.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Auth configuration from environment variables. */
class HubAuthConfigTest {

  @Test
  void defaults() {
    HubAuthConfig c = HubAuthConfig.fromEnv(Map.of());
    assertThat(c.openSignup()).isTrue();
    assertThat(c.adminUsers()).isEmpty();
    assertThat(c.cookieSecure()).isFalse();
    assertThat(c.sessionIdleTimeout()).isEqualTo(Duration.ofHours(12));
    assertThat(c.logoutStopsServer()).isTrue();
  }

  @Test
  void everyVariableIsRead() {
    HubAuthConfig c = HubAuthConfig.fromEnv(Map.of("GPUHUB_OPEN_SIGNUP", "false",
        "GPUHUB_ADMIN_USERS", " Alice, bob ,,", "GPUHUB_COOKIE_SECURE", "yes",
        "GPUHUB_SESSION_HOURS", "2", "GPUHUB_LOGOUT_STOPS_SERVER", "0"));
    assertThat(c.openSignup()).isFalse();
    assertThat(c.adminUsers()).containsExactlyInAnyOrder("alice", "bob");
    assertThat(c.isConfiguredAdmin("alice")).isTrue();
    assertThat(c.isConfiguredAdmin("carol")).isFalse();
    assertThat(c.cookieSecure()).isTrue();
    assertThat(c.sessionIdleTimeout()).isEqualTo(Duration.ofHours(2));
    assertThat(c.logoutStopsServer()).isFalse();
  }

  @Test
  void badValuesNameTheVariableAndWhatIsAccepted() {
    assertThatThrownBy(() -> HubAuthConfig.fromEnv(Map.of("GPUHUB_ADMIN_USERS", "alice,bob smith")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GPUHUB_ADMIN_USERS must be a comma-separated list")
        .hasMessageContaining("'bob smith' is not a valid name");
    assertThatThrownBy(() -> HubAuthConfig.fromEnv(Map.of("GPUHUB_SESSION_HOURS", "0")))
        .hasMessage("GPUHUB_SESSION_HOURS must be an integer from 1 to 8760, was '0'");
    assertThatThrownBy(() -> HubAuthConfig.fromEnv(Map.of("GPUHUB_OPEN_SIGNUP", "maybe")))
        .hasMessage("GPUHUB_OPEN_SIGNUP must be true or false, was 'maybe'");
  }
}
