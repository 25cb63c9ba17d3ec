package dev.gpuhub.server.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.store.HubRepository;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.store.StoreException;
import dev.gpuhub.store.Stores;
import dev.gpuhub.testkit.MutableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logins and API tokens while the database cannot be asked (a PostgreSQL restart). A password login
 * of an account the database returned at a login within {@link UserAccounts#LOGIN_OUTAGE_GRACE}
 * still works (the wrong password still fails; an account never seen gets the store's error). A token the database
 * vouched for recently still opens what it opened, within {@link HubAuth#TOKEN_OUTAGE_GRACE} and
 * never past its own expiry; a token never seen, or seen too long ago, gets the store's error (no
 * token can be revoked meanwhile: revoking needs the database).
 */
class AuthDuringOutageTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
  private final AtomicBoolean down = new AtomicBoolean();
  private Stores stores;
  private HubAuth auth;

  @BeforeEach
  void open() {
    stores = Stores.open(StoreConfig.embedded(dir));
    HubRepository real = stores.hub();
    HubRepository flaky = (HubRepository) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {HubRepository.class}, (proxy, method, args) -> {
          if (down.get()) {
            throw new StoreException("cannot " + method.getName() + ": Connection refused", null);
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    auth = new HubAuth(flaky, HubAuthConfig.defaults(java.util.Set.of()), clock);
  }

  @AfterEach
  void close() {
    stores.close();
  }

  @Test
  void aTokenSeenRecentlyKeepsWorkingWhileTheDatabaseIsDownAndOnlyThen() {
    HubUser ann = auth.accounts().create("ann", "password-of-ann", false);
    String token = auth.accounts().createToken(ann, "notebook", null).token();
    String never = auth.accounts().createToken(ann, "never used", null).token();
    assertThat(auth.tokenCallerOf(token)).map(c -> c.user().name()).contains("ann");

    down.set(true);
    clock.advance(Duration.ofMinutes(5));
    assertThat(auth.tokenCallerOf(token)).as("seen 5 min ago").map(c -> c.user().name()).contains("ann");
    assertThatThrownBy(() -> auth.tokenCallerOf(never)).as("never seen").isInstanceOf(StoreException.class);
    clock.advance(HubAuth.TOKEN_OUTAGE_GRACE);
    assertThatThrownBy(() -> auth.tokenCallerOf(token)).as("seen longer ago than the grace").isInstanceOf(StoreException.class);

    down.set(false);
    assertThat(auth.tokenCallerOf(token)).as("the database vouches again").map(c -> c.user().name()).contains("ann");
  }

  @Test
  void anExpiringTokenStopsAtItsExpiryEvenDuringAnOutage() {
    HubUser bob = auth.accounts().create("bob", "password-of-bob", false);
    String token = auth.accounts().createToken(bob, "short", Duration.ofMinutes(2)).token();
    assertThat(auth.tokenCallerOf(token)).isPresent();
    down.set(true);
    clock.advance(Duration.ofMinutes(1));
    assertThat(auth.tokenCallerOf(token)).isPresent();
    clock.advance(Duration.ofMinutes(2));
    assertThatThrownBy(() -> auth.tokenCallerOf(token)).isInstanceOf(StoreException.class);
  }

  @Test
  void anAccountThatLoggedInRecentlyLogsInWhileTheDatabaseIsDown() {
    auth.accounts().create("cleo", "password-of-cleo", false);
    auth.accounts().create("dan", "password-of-dan", false);
    assertThat(auth.accounts().authenticate("cleo", "password-of-cleo", "10.0.0.1")).isPresent();

    down.set(true);
    clock.advance(Duration.ofMinutes(3));
    assertThat(auth.accounts().authenticate("cleo", "password-of-cleo", "10.0.0.1")).map(HubUser::name).contains("cleo");
    assertThat(auth.accounts().authenticate("cleo", "wrong-password-1", "10.0.0.1")).isEmpty();
    assertThatThrownBy(() -> auth.accounts().authenticate("dan", "password-of-dan", "10.0.0.2"))
        .as("never logged in through this hub").isInstanceOf(StoreException.class);
    clock.advance(UserAccounts.LOGIN_OUTAGE_GRACE);
    assertThatThrownBy(() -> auth.accounts().authenticate("cleo", "password-of-cleo", "10.0.0.1"))
        .as("confirmed longer ago than the grace").isInstanceOf(StoreException.class);
  }

  @Test
  void aDeletedAccountIsForgottenAtOnce() {
    auth.accounts().create("eve", "password-of-eve", false);
    assertThat(auth.accounts().authenticate("eve", "password-of-eve", "10.0.0.1")).isPresent();
    assertThat(auth.accounts().delete("eve")).isTrue();
    down.set(true);
    assertThatThrownBy(() -> auth.accounts().authenticate("eve", "password-of-eve", "10.0.0.1")).isInstanceOf(StoreException.class);
  }
}
