package dev.gpuhub.server.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failed logins slow down further attempts, per user name and per address. */
class LoginThrottleTest {
  private final MutableClock clock = new MutableClock(AuthApp.START);
  private final LoginThrottle throttle = new LoginThrottle(clock);

  private void fail(String user, String ip, int times) {
    for (int i = 0; i < times; i++) throttle.recordFailure(user, ip);
  }

  @Test
  void theLockoutDoublesFromTheFifthFailureUpToTheCap() {
    assertThat(LoginThrottle.lockout(4)).isZero();
    assertThat(LoginThrottle.lockout(5)).isEqualTo(Duration.ofSeconds(10));
    assertThat(LoginThrottle.lockout(6)).isEqualTo(Duration.ofSeconds(20));
    assertThat(LoginThrottle.lockout(8)).isEqualTo(Duration.ofSeconds(80));
    assertThat(LoginThrottle.lockout(12)).isEqualTo(Duration.ofMinutes(10));
    assertThat(LoginThrottle.lockout(1_000)).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void fiveFailuresForANameLockItFromAnyAddressButNotOtherNames() {
    fail("alice", "10.0.0.1", 4);
    assertThatCode(() -> throttle.check("alice", "10.0.0.9")).doesNotThrowAnyException();
    fail("Alice", "10.0.0.2", 1);
    assertThatThrownBy(() -> throttle.check("alice", "10.0.0.9"))
        .isInstanceOf(TooManyAttemptsException.class)
        .hasMessageContaining("try again in 10 s");
    assertThatCode(() -> throttle.check("bob", "10.0.0.9")).doesNotThrowAnyException();

    clock.advance(Duration.ofSeconds(10));
    assertThatCode(() -> throttle.check("alice", "10.0.0.9")).doesNotThrowAnyException();
    fail("alice", "10.0.0.3", 1);
    assertThatThrownBy(() -> throttle.check("alice", "10.0.0.9")).hasMessageContaining("try again in 20 s");
    throttle.recordSuccess("alice");
    assertThatCode(() -> throttle.check("alice", "10.0.0.9")).doesNotThrowAnyException();
  }

  @Test
  void fiveFailuresFromAnAddressLockItForEveryName() {
    for (int i = 0; i < 5; i++) throttle.recordFailure("user" + i, "10.0.0.1");
    assertThatThrownBy(() -> throttle.check("someone-else", "10.0.0.1"))
        .isInstanceOf(TooManyAttemptsException.class);
    assertThatCode(() -> throttle.check("someone-else", "10.0.0.2")).doesNotThrowAnyException();
    throttle.recordSuccess("user0"); // a success does not clear the address
    assertThatThrownBy(() -> throttle.check("user0", "10.0.0.1")).isInstanceOf(TooManyAttemptsException.class);
  }

  @Test
  void failuresAreForgottenAfterTenQuietMinutes() {
    fail("alice", "10.0.0.1", 4);
    clock.advance(Duration.ofMinutes(10));
    fail("alice", "10.0.0.1", 4);
    assertThatCode(() -> throttle.check("alice", "10.0.0.1")).doesNotThrowAnyException();
    fail("alice", "10.0.0.1", 1);
    assertThatThrownBy(() -> throttle.check("alice", "10.0.0.1")).isInstanceOf(TooManyAttemptsException.class);
  }

  @Test
  void overHttpTheSixthAttemptIs429EvenWithTheRightPassword(@TempDir Path dataDir) {
    try (AuthApp hub = AuthApp.start(dataDir, HubAuthConfig.defaults(Set.of()))) {
      hub.auth.accounts().create("alice", "correct horse", false);
      Browser browser = hub.browser();
      for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
        assertThat(browser.logIn("alice", "wrong guess " + i).statusCode()).isEqualTo(401);
      }
      HttpResponse<String> refused = browser.logIn("alice", "correct horse");
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.body()).contains("try again in 10 s");
      assertThat(refused.headers().firstValue("Retry-After")).contains("10");
      assertThat(browser.cookie(HubAuth.SESSION_COOKIE)).isNull();

      hub.clock.advance(Duration.ofSeconds(4));
      assertThat(browser.logIn("alice", "correct horse").body()).contains("try again in 6 s");
      hub.clock.advance(Duration.ofSeconds(6));
      assertThat(browser.logIn("alice", "correct horse").statusCode()).isEqualTo(302);
      assertThat(browser.cookie(HubAuth.SESSION_COOKIE)).isNotNull();
    }
  }
}
