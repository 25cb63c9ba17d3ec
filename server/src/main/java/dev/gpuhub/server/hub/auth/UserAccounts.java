package dev.gpuhub.server.hub.auth;

import dev.gpuhub.store.DuplicateNameException;
import dev.gpuhub.store.HubRepository;
import dev.gpuhub.store.HubTokenRecord;
import dev.gpuhub.store.HubUserRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Account operations on top of {@link HubRepository}: sign-up and creation with the
 * {@link Credentials} rules, password login with {@link LoginThrottle}, admin changes, deletion
 * and API tokens. Changes to a user here also reach their live sessions; change users through this
 * class, not the repository, while the hub runs. User names given to it are normalised first.
 */
public final class UserAccounts {
  private final HubRepository repository;
  private final HubAuthConfig config;
  private final PasswordHasher hasher;
  private final SessionStore sessions;
  private final LoginThrottle throttle;
  private final Clock clock;
  private volatile Consumer<HubUser> onDelete = user -> { };

  public UserAccounts(HubRepository repository, HubAuthConfig config, PasswordHasher hasher,
      SessionStore sessions, LoginThrottle throttle, Clock clock) {
    this.repository = Objects.requireNonNull(repository, "repository");
    this.config = Objects.requireNonNull(config, "config");
    this.hasher = Objects.requireNonNull(hasher, "hasher");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.throttle = Objects.requireNonNull(throttle, "throttle");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Sets what runs before a user is deleted (e.g. stopping their servers). If it throws, the user
   * is not deleted and the exception propagates.
   */
  public void onDelete(Consumer<HubUser> hook) {
    this.onDelete = Objects.requireNonNull(hook, "hook");
  }

  /**
   * Self-service sign-up: a new user, admin when named in GPUHUB_ADMIN_USERS.
   *
   * @param confirmation the repeated password, or null when the form did not ask for it
   * @throws InvalidCredentialsException for a bad name or password, or a name already taken
   */
  public HubUser signUp(String username, String password, String confirmation) {
    String name = Credentials.username(username);
    Credentials.checkNewPassword(password, confirmation);
    try {
      return HubUser.of(repository.createUser(name, hasher.hash(password), config.isConfiguredAdmin(name)));
    } catch (DuplicateNameException e) {
      throw new InvalidCredentialsException("user name '" + name + "' is already taken: choose"
          + " another, or log in if it is yours");
    }
  }

  /**
   * Creates a user (admin API): admin when asked or named in GPUHUB_ADMIN_USERS.
   *
   * @param password the new password, or null for a user who cannot log in with one (API tokens only)
   * @throws InvalidCredentialsException for a bad name or password
   * @throws DuplicateNameException when the name is taken
   */
  public HubUser create(String username, String password, boolean admin) {
    String name = Credentials.username(username);
    if (password != null) Credentials.checkNewPassword(password, null);
    String hash = password == null ? null : hasher.hash(password);
    return HubUser.of(repository.createUser(name, hash, admin || config.isConfiguredAdmin(name)));
  }

  /**
   * Checks a password login from address {@code ip}. On success records the login, makes a user
   * named in GPUHUB_ADMIN_USERS admin, and clears the name's failures; a wrong name or password
   * (indistinguishable, in answer and in time) counts a failure.
   *
   * @return the user, or empty for a wrong name or password
   * @throws TooManyAttemptsException while the name or the address is locked out; nothing was checked
   */
  public Optional<HubUser> authenticate(String username, String password, String ip) {
    throttle.check(username, ip);
    String name = Credentials.normalize(username);
    Optional<HubUserRecord> found = Credentials.isValidUsername(name) ? repository.findUser(name) : Optional.empty();
    boolean ok = found.isPresent() ? hasher.verify(password, found.get().passwordHash()) : burn(password);
    if (!ok) {
      throttle.recordFailure(username, ip);
      return Optional.empty();
    }
    throttle.recordSuccess(username);
    HubUserRecord user = found.get();
    repository.recordLogin(name, clock.instant());
    if (!user.admin() && config.isConfiguredAdmin(name)) {
      repository.setAdmin(name, true);
      return Optional.of(new HubUser(user.id(), name, true));
    }
    return Optional.of(HubUser.of(user));
  }

  private boolean burn(String password) {
    hasher.burn(password);
    return false;
  }

  /** The user with this name. */
  public Optional<HubUser> find(String username) {
    return record(username).map(HubUser::of);
  }

  /** The stored record of the user with this name (no password: never show its hash). */
  public Optional<HubUserRecord> record(String username) {
    String name = Credentials.normalize(username);
    return Credentials.isValidUsername(name) ? repository.findUser(name) : Optional.empty();
  }

  /** Every user, by name. */
  public List<HubUserRecord> list() {
    return repository.users();
  }

  /**
   * Runs the delete hook, then deletes the user (tokens and server records too) and ends their
   * sessions; false when there is no such user (the hook does not run then).
   */
  public boolean delete(String username) {
    Optional<HubUser> user = find(username);
    if (user.isEmpty()) return false;
    onDelete.accept(user.get());
    boolean deleted = repository.deleteUser(user.get().name());
    sessions.removeUser(user.get().name());
    return deleted;
  }

  /** Sets the admin flag, in the store and in live sessions; empty when there is no such user. */
  public Optional<HubUser> setAdmin(String username, boolean admin) {
    Optional<HubUser> user = find(username);
    if (user.isEmpty() || !repository.setAdmin(user.get().name(), admin)) return Optional.empty();
    HubUser changed = new HubUser(user.get().id(), user.get().name(), admin);
    sessions.updateUser(changed);
    return Optional.of(changed);
  }

  /**
   * Makes an API token for {@code owner}; the token itself is in the result only.
   *
   * @param expiresIn how long it works, or null for ever
   */
  public IssuedToken createToken(HubUser owner, String note, Duration expiresIn) {
    String token = ApiTokens.generate();
    Instant expiresAt = expiresIn == null ? null : clock.instant().plus(expiresIn);
    HubTokenRecord record = repository.createToken(owner.id(), ApiTokens.sha256Hex(token), note, expiresAt);
    return new IssuedToken(record, token);
  }

  /** The owner's tokens, oldest first (without the tokens themselves). */
  public List<HubTokenRecord> tokens(HubUser owner) {
    return repository.tokensOf(owner.id());
  }

  /** Deletes the owner's token {@code tokenId}; false when the owner has no such token. */
  public boolean deleteToken(HubUser owner, long tokenId) {
    return repository.deleteToken(owner.id(), tokenId);
  }

  /** A token just made: its record and, this once, the token. */
  public record IssuedToken(HubTokenRecord record, String token) {
    @Override
    public String toString() {
      return "IssuedToken[" + record + "]";
    }
  }
}
