package dev.gpuhub.server.hub.auth;

import dev.gpuhub.testkit.MutableClock;
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
    for (int i = 0; i < times; i++) throttle.begin(user, ip);
  }

  @Test
  void theLockoutDoublesFromTheLastFreeAttemptUpToTheCap() {
    assertThat(LoginThrottle.lockout(4, 5)).isZero();
    assertThat(LoginThrottle.lockout(5, 5)).isEqualTo(Duration.ofSeconds(10));
    assertThat(LoginThrottle.lockout(6, 5)).isEqualTo(Duration.ofSeconds(20));
    assertThat(LoginThrottle.lockout(8, 5)).isEqualTo(Duration.ofSeconds(80));
    assertThat(LoginThrottle.lockout(12, 5)).isEqualTo(Duration.ofMinutes(10));
    assertThat(LoginThrottle.lockout(1_000, 5)).isEqualTo(Duration.ofMinutes(10));
    assertThat(LoginThrottle.lockout(19, 20)).isZero();
  }

  @Test
  void fiveFailuresForANameFromOneAddressLockOnlyThatPair() {
    fail("alice", "10.0.0.1", 5);
    assertThatThrownBy(() -> throttle.begin("alice", "10.0.0.1"))
        .isInstanceOf(TooManyAttemptsException.class)
        .hasMessageContaining("try again in 10 s");
    // the owner, from her own address, is not locked out by someone guessing elsewhere
    assertThatCode(() -> throttle.begin("Alice", "10.0.0.9")).doesNotThrowAnyException();
    throttle.succeeded("alice", "10.0.0.9");
    assertThatCode(() -> throttle.begin("bob", "10.0.0.1")).doesNotThrowAnyException();

    clock.advance(Duration.ofSeconds(10));
    assertThatCode(() -> throttle.begin("alice", "10.0.0.1")).doesNotThrowAnyException();
    assertThatThrownBy(() -> throttle.begin("alice", "10.0.0.1")).hasMessageContaining("try again in 20 s");
    throttle.succeeded("alice", "10.0.0.1");
    assertThatCode(() -> throttle.begin("alice", "10.0.0.1")).doesNotThrowAnyException();
  }

  @Test
  void twentyAttemptsFromAnAddressLockItForEveryName() {
    for (int i = 0; i < LoginThrottle.FREE_PER_ADDRESS; i++) throttle.begin("user" + i, "10.0.0.1");
    assertThatThrownBy(() -> throttle.begin("someone-else", "10.0.0.1"))
        .isInstanceOf(TooManyAttemptsException.class);
    assertThatCode(() -> throttle.begin("someone-else", "10.0.0.2")).doesNotThrowAnyException();
  }

  @Test
  void successfulLoginsAreTakenBackAndNeverLockAnAddress() {
    for (int i = 0; i < 3 * LoginThrottle.FREE_PER_ADDRESS; i++) {
      throttle.begin("user" + i, "10.0.0.1");
      throttle.succeeded("user" + i, "10.0.0.1");
    }
    assertThatCode(() -> throttle.begin("someone", "10.0.0.1")).doesNotThrowAnyException();
  }

  @Test
  void attemptsAreForgottenAfterTenQuietMinutes() {
    fail("alice", "10.0.0.1", 4);
    clock.advance(Duration.ofMinutes(10));
    fail("alice", "10.0.0.1", 5);
    assertThatThrownBy(() -> throttle.begin("alice", "10.0.0.1")).isInstanceOf(TooManyAttemptsException.class);
  }

  @Test
  void fortySimultaneousWrongLoginsForOneUserCheckFivePasswords(@TempDir Path dataDir) throws Exception {
    try (AuthApp hub = AuthApp.start(dataDir, HubAuthConfig.defaults(Set.of()))) {
      hub.auth.accounts().create("alice", "correct horse", false);
      long checksBefore = hub.auth.accounts().hasher().checks();
      var pool = java.util.concurrent.Executors.newFixedThreadPool(40);
      var ready = new java.util.concurrent.CountDownLatch(1);
      java.util.List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int n = i;
        answers.add(pool.submit(() -> {
          ready.await();
          try {
            return hub.auth.accounts().authenticate("alice", "wrong guess " + n, "10.0.0.7").isPresent() ? 200 : 401;
          } catch (TooManyAttemptsException e) {
            return 429;
          }
        }));
      }
      ready.countDown();
      java.util.Map<Integer, Integer> counts = new java.util.TreeMap<>();
      for (var a : answers) counts.merge(a.get(), 1, Integer::sum);
      pool.shutdown();
      assertThat(counts).isEqualTo(java.util.Map.of(401, 5, 429, 35));
      // counted before the hash: only five passwords were checked (counting after it checked all 40)
      assertThat(hub.auth.accounts().hasher().checks() - checksBefore).isEqualTo(5);
    }
  }

  @Test
  void overHttpTheSixthAttemptIs429EvenWithTheRightPassword(@TempDir Path dataDir) {
    try (AuthApp hub = AuthApp.start(dataDir, HubAuthConfig.defaults(Set.of()))) {
      hub.auth.accounts().create("alice", "correct horse", false);
      Browser browser = hub.browser();
      for (int i = 0; i < LoginThrottle.FREE_PER_NAME_AND_ADDRESS; i++) {
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
