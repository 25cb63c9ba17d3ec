package dev.gpuhub.server.hub.auth;

import dev.gpuhub.testkit.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sessions: random ids, idle expiry, and following their user's changes. */
class SessionStoreTest {
  private final MutableClock clock = new MutableClock(AuthApp.START);
  private final SessionStore sessions = new SessionStore(Duration.ofHours(1), clock);
  private final HubUser alice = new HubUser(1, "alice", false);
  private final HubUser bob = new HubUser(2, "bob", false);

  @Test
  void idsAreLongRandomAndUnique() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1_000; i++) ids.add(sessions.create(alice));
    assertThat(ids).hasSize(1_000).allSatisfy(id -> assertThat(id).matches("[A-Za-z0-9_-]{43}"));
  }

  @Test
  void aSessionEndsAfterTheIdleTimeoutSinceItsLastUse() {
    String id = sessions.create(alice);
    clock.advance(Duration.ofMinutes(59));
    assertThat(sessions.lookup(id)).contains(alice);
    clock.advance(Duration.ofMinutes(59));
    assertThat(sessions.lookup(id)).contains(alice);
    clock.advance(Duration.ofHours(1));
    assertThat(sessions.lookup(id)).isEmpty();
    assertThat(sessions.size()).isZero();
    assertThat(sessions.lookup(null)).isEmpty();
    assertThat(sessions.lookup("unknown")).isEmpty();
  }

  @Test
  void expiredSessionsAreSweptWhenNewOnesAreMade() {
    sessions.create(alice);
    sessions.create(bob);
    clock.advance(Duration.ofHours(2));
    sessions.create(bob);
    assertThat(sessions.size()).isEqualTo(1);
  }

  @Test
  void removingAndUpdatingFollowTheUser() {
    String a1 = sessions.create(alice);
    String a2 = sessions.create(alice);
    String b = sessions.create(bob);
    sessions.updateUser(new HubUser(1, "alice", true));
    assertThat(sessions.lookup(a1).orElseThrow().admin()).isTrue();
    assertThat(sessions.lookup(b).orElseThrow().admin()).isFalse();
    assertThat(sessions.removeUser("alice")).isEqualTo(2);
    assertThat(sessions.lookup(a2)).isEmpty();
    assertThat(sessions.remove(b)).contains(bob);
    assertThat(sessions.remove(b)).isEmpty();
  }
}
