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
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UserAccounts.class);
  private final HubRepository repository;
  private final HubAuthConfig config;
  private final PasswordHasher hasher;
  private final SessionStore sessions;
  private final LoginThrottle throttle;
  private final Clock clock;
  private final SignUpLimit signUps;
  private volatile AdminSetup adminSetup = AdminSetup.none();
  private volatile Consumer<HubUser> onDelete = user -> { };
  private volatile Runnable onUserOrTokenChange = () -> { };

  public UserAccounts(HubRepository repository, HubAuthConfig config, PasswordHasher hasher,
      SessionStore sessions, LoginThrottle throttle, Clock clock) {
    this.repository = Objects.requireNonNull(repository, "repository");
    this.config = Objects.requireNonNull(config, "config");
    this.hasher = Objects.requireNonNull(hasher, "hasher");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.throttle = Objects.requireNonNull(throttle, "throttle");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.signUps = new SignUpLimit(config.signupsPerAddress(), clock);
  }

  /** Sets what runs after a user or a token is deleted or a user changed (e.g. forgetting remembered tokens). */
  void onUserOrTokenChange(Runnable hook) {
    this.onUserOrTokenChange = Objects.requireNonNull(hook, "hook");
  }

  /** The password hasher (its count of checks shows what a throttle let through). */
  PasswordHasher hasher() {
    return hasher;
  }

  /** Sets who may sign up as a configured admin name (by default: nobody). */
  public void adminSetup(AdminSetup setup) {
    this.adminSetup = Objects.requireNonNull(setup, "setup");
  }

  /** Who may sign up as a configured admin name. */
  public AdminSetup adminSetup() {
    return adminSetup;
  }

  /**
   * Sets what runs before a user is deleted (e.g. stopping their servers). If it throws, the user
   * is not deleted and the exception propagates.
   */
  public void onDelete(Consumer<HubUser> hook) {
    this.onDelete = Objects.requireNonNull(hook, "hook");
  }

  /**
   * Self-service sign-up from address {@code ip}: a new ordinary user, or an admin for a name in
   * GPUHUB_ADMIN_USERS given with the setup secret ({@link AdminSetup}). With GPUHUB_SIGNUP_APPROVAL
   * an ordinary user waits for an admin's approval ({@link #approve}) before logging in.
   *
   * @param confirmation the repeated password, or null when the form did not ask for it
   * @param adminSecret  the setup secret, or null
   * @throws TooManyAttemptsException when the address made too many sign-ups; nothing was checked
   * @throws InvalidCredentialsException for a bad name or password, or a name already taken
   * @throws ForbiddenException for an admin name without the setup secret; nothing is stored
   */
  public HubUser signUp(String username, String password, String confirmation, String ip, String adminSecret) {
    signUps.begin(ip);
    String name = Credentials.username(username);
    Credentials.checkNewPassword(password, confirmation);
    adminSetup.checkSignUp(name, adminSecret);
    try {
      boolean admin = config.isConfiguredAdmin(name);
      HubUser user = HubUser.of(repository.createUser(name, hasher.hash(password), admin, admin || !config.signupApproval()));
      adminSetup.signedUp();
      return user;
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
   * Checks a password login from address {@code ip}. The attempt counts against the
   * {@link LoginThrottle} before the password is checked and is taken back when it succeeds; a
   * wrong name or password is indistinguishable, in answer and in time. A login never changes who
   * is admin.
   *
   * @return the user, or empty for a wrong name or password
   * @throws TooManyAttemptsException while the name from this address, or the address, must wait,
   *     or when the hub is checking too many passwords at once; nothing was checked then
   * @throws ForbiddenException for the right password of a user still waiting for approval
   */
  public Optional<HubUser> authenticate(String username, String password, String ip) {
    throttle.begin(username, ip);
    String name = Credentials.normalize(username);
    Instant now = clock.instant();
    Optional<HubUserRecord> found;
    boolean fromDatabase = true;
    try {
      found = Credentials.isValidUsername(name) ? repository.findUser(name) : Optional.empty();
    } catch (dev.gpuhub.store.StoreException e) {
      found = Optional.of(confirmed.standIn(name, now).orElseThrow(() -> e));
      fromDatabase = false;
    }
    boolean ok = found.isPresent() ? hasher.verify(password, found.get().passwordHash()) : burn(password);
    if (!ok) return Optional.empty();
    throttle.succeeded(username, ip);
    if (!found.get().approved()) {
      throw new ForbiddenException("your account '" + name + "' waits for an administrator's approval;"
          + " you can log in once it is approved");
    }
    if (fromDatabase) confirmed.remember(name, found.get(), now);
    try {
      repository.recordLogin(name, now);
    } catch (dev.gpuhub.store.StoreException e) {
      LOG.atWarn().addKeyValue("user", name).log("login not recorded, the database is unavailable: {}", e.getMessage());
    }
    return Optional.of(HubUser.of(found.get()));
  }

  /**
   * While the database cannot be asked, an account it returned at a login within this long still
   * logs in with its password: users get in through a database restart. Nothing can change or delete
   * an account while the database is down, and every change through this hub forgets what was kept
   * of that account at once.
   */
  static final Duration LOGIN_OUTAGE_GRACE = OutageMemory.GRACE;

  /** Accounts as the database returned them at successful logins. */
  private final OutageMemory<HubUserRecord> confirmed = new OutageMemory<>();

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
    confirmed.forget(user.get().name());
    boolean deleted = repository.deleteUser(user.get().name());
    sessions.removeUser(user.get().name());
    onUserOrTokenChange.run();
    return deleted;
  }

  /** Whether the user may log in: approved (always, unless signed up under GPUHUB_SIGNUP_APPROVAL and waiting). */
  public boolean isApproved(String username) {
    return record(username).map(HubUserRecord::approved).orElse(false);
  }

  /** Approves a user who signed up under approval; false when there is no such user. */
  public boolean approve(String username) {
    Optional<HubUser> user = find(username);
    user.ifPresent(u -> confirmed.forget(u.name()));
    return user.isPresent() && repository.setApproved(user.get().name(), true);
  }

  /** Sets the admin flag, in the store and in live sessions; empty when there is no such user. */
  public Optional<HubUser> setAdmin(String username, boolean admin) {
    Optional<HubUser> user = find(username);
    user.ifPresent(u -> confirmed.forget(u.name()));
    if (user.isEmpty() || !repository.setAdmin(user.get().name(), admin)) return Optional.empty();
    HubUser changed = new HubUser(user.get().id(), user.get().name(), admin);
    sessions.updateUser(changed);
    onUserOrTokenChange.run();
    return Optional.of(changed);
  }

  /**
   * Makes an API token for {@code owner}; the token itself is in the result only.
   *
   * @param expiresIn how long it works, or null for ever
   */
  public IssuedToken createToken(HubUser owner, String note, Duration expiresIn) {
    return createToken(owner, note, expiresIn, null);
  }

  /**
   * Makes an API token for {@code owner} limited to {@code scopes} (JupyterHub's names separated by
   * spaces, already checked; null for every right of the owner).
   */
  public IssuedToken createToken(HubUser owner, String note, Duration expiresIn, String scopes) {
    String token = ApiTokens.generate();
    Instant expiresAt = expiresIn == null ? null : clock.instant().plus(expiresIn);
    HubTokenRecord record = repository.createToken(owner.id(), ApiTokens.sha256Hex(token), note, expiresAt, scopes);
    return new IssuedToken(record, token);
  }

  /** The owner's tokens, oldest first (without the tokens themselves). */
  public List<HubTokenRecord> tokens(HubUser owner) {
    return repository.tokensOf(owner.id());
  }

  /** Deletes the owner's token {@code tokenId}; false when the owner has no such token. */
  public boolean deleteToken(HubUser owner, long tokenId) {
    boolean deleted = repository.deleteToken(owner.id(), tokenId);
    onUserOrTokenChange.run();
    return deleted;
  }

  /** A token just made: its record and, this once, the token. */
  public record IssuedToken(HubTokenRecord record, String token) {
    @Override
    public String toString() {
      return "IssuedToken[" + record + "]";
    }
  }
}
