package dev.gpuhub.server.hub.auth;

import dev.gpuhub.store.HubRepository;
import dev.gpuhub.store.HubTokenOwner;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is asking, for every hub request: a session cookie ({@value #SESSION_COOKIE}) or an API token
 * ({@code Authorization: token <t>} or {@code Bearer <t>}; a token that does not resolve falls back
 * to the cookie). The answer is worked out once per request. Also the guards the hub's routes call
 * ({@link #requireUser}, {@link #requireAdmin}, {@link #requireUserOrAdmin}, {@link #checkXsrf}) and
 * the session lifecycle ({@link #startSession}, {@link #endSession}). Thread-safe.
 */
public final class HubAuth {
  /** Name of the session cookie: HttpOnly, SameSite=Lax, path /. */
  public static final String SESSION_COOKIE = "gpuhub-session";
  /**
   * A token's owner is remembered this long (a flood of requests with one token costs one lookup a
   * second); deleting a token or a user, or changing a user, forgets every remembered token at once.
   */
  static final Duration TOKEN_CACHE = Duration.ofSeconds(1);
  /**
   * While the database cannot be asked, a token the database confirmed at most this long ago still
   * opens what it opened then (never past the token's own expiry): users keep working through a
   * database restart. Nothing can revoke a token while the database is down, so this keeps no
   * revoked token alive; once the database answers again every request is checked there.
   */
  static final Duration TOKEN_OUTAGE_GRACE = OutageMemory.GRACE;
  /**
   * A remembered token's caller, good until {@code until} (at most the token's own expiry);
   * {@code expires}: the token's own expiry, null for none.
   */
  private record CachedToken(Caller caller, Instant until, Instant expires) {}
  /** Tokens' callers as the database last confirmed them, for its outages. */
  private final OutageMemory<CachedToken> confirmedTokens = new OutageMemory<>();
  private final java.util.Map<String, CachedToken> tokenCache = new java.util.concurrent.ConcurrentHashMap<>();
  /** A token's last use is written at most this often. */
  static final Duration TOKEN_TOUCH_INTERVAL = Duration.ofMinutes(1);
  /** Path prefix of the REST API, where errors are JSON and anonymous requests get 403. */
  public static final String API_PREFIX = "/hub/api/";
  private static final String ATTRIBUTE = "gpuhub.auth";
  private static final String STARTED_SESSION = "gpuhub.session.started";
  private static final Logger LOG = LoggerFactory.getLogger(HubAuth.class);

  /** How a request authenticated. */
  public enum Via { NONE, COOKIE, TOKEN }

  /**
   * Who a request acts as, and with which rights.
   *
   * @param user       the user
   * @param scopes     expanded scopes ({@link Scopes}): what the session or token may do
   * @param restricted whether a token carries fewer rights than its owner (JupyterHub scopes other
   *                   than {@code inherit}); such a token reaches only what its scopes name
   */
  public record Caller(HubUser user, Set<String> scopes, boolean restricted) {
    /** A caller with all of {@code user}'s own rights (a browser session). */
    public static Caller of(HubUser user) {
      return new Caller(user, Scopes.ofUser(user.name(), user.admin()), false);
    }
  }

  private record Resolved(Optional<Caller> caller, Via via) {
    Optional<HubUser> user() {
      return caller.map(Caller::user);
    }
  }

  private final HubRepository repository;
  private final HubAuthConfig config;
  private final Clock clock;
  private final SessionStore sessions;
  private final LoginThrottle throttle;
  private final Xsrf xsrf;
  private final UserAccounts accounts;
  private final ServerApiTokens serverTokens = new ServerApiTokens();
  private volatile Consumer<HubUser> onLogout = user -> { };

  public HubAuth(HubRepository repository, HubAuthConfig config, Clock clock) {
    this.repository = Objects.requireNonNull(repository, "repository");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sessions = new SessionStore(config.sessionIdleTimeout(), clock);
    this.throttle = new LoginThrottle(clock);
    this.xsrf = new Xsrf(config.cookieSecure());
    this.accounts = new UserAccounts(repository, config, new PasswordHasher(), sessions, throttle, clock);
    accounts.onUserOrTokenChange(this::forgetTokens);
  }

  public HubAuthConfig config() {
    return config;
  }

  public UserAccounts accounts() {
    return accounts;
  }

  /** The groups {@code user} is a member of now (for scopes filtered by {@code !group=}). */
  public java.util.List<String> groupsOf(String user) {
    return repository.groupsOf(user);
  }

  HubRepository repository() {
    return repository;
  }

  public SessionStore sessions() {
    return sessions;
  }

  /** The API tokens of running servers ({@code JUPYTERHUB_API_TOKEN}), known in memory only. */
  public ServerApiTokens serverTokens() {
    return serverTokens;
  }

  /**
   * Sets what runs after a user logs out (their session already ended), e.g. stopping their server
   * when {@link HubAuthConfig#logoutStopsServer()}. A hook that throws is logged; the logout stands.
   */
  public void onLogout(Consumer<HubUser> hook) {
    this.onLogout = Objects.requireNonNull(hook, "hook");
  }

  /** Sets what runs before a user is deleted; see {@link UserAccounts#onDelete}. */
  public void onDelete(Consumer<HubUser> hook) {
    accounts.onDelete(hook);
  }

  /** The user this request authenticates as, by API token or session cookie. */
  public Optional<HubUser> currentUser(Context ctx) {
    return resolve(ctx).user();
  }

  /** Who this request acts as and with which rights; empty when anonymous. */
  public Optional<Caller> caller(Context ctx) {
    return resolve(ctx).caller();
  }

  /** How this request authenticated ({@link Via#NONE} when anonymous). */
  public Via via(Context ctx) {
    return resolve(ctx).via();
  }

  /** @throws LoginRequiredException when the request is anonymous */
  public HubUser requireUser(Context ctx) {
    return currentUser(ctx).orElseThrow(() -> new LoginRequiredException("authentication required:"
        + " log in at /hub/login, or send 'Authorization: token <api token>'"));
  }

  /**
   * @throws LoginRequiredException when the request is anonymous
   * @throws ForbiddenException when the user is not an admin
   */
  public HubUser requireAdmin(Context ctx) {
    HubUser user = requireUser(ctx);
    if (!user.admin()) {
      throw new ForbiddenException("user '" + user.name() + "' is not an admin: ask an admin, or add"
          + " the name to GPUHUB_ADMIN_USERS");
    }
    return user;
  }

  /**
   * The current user when they are user {@code name} or an admin. {@code name} must be a user name
   * as the hub writes it (lower case, valid): routes act on it as given, so a variant such as
   * {@code ALICE} would otherwise name a second server of alice's.
   *
   * @throws LoginRequiredException when the request is anonymous
   * @throws io.javalin.http.NotFoundResponse when {@code name} is not a canonical user name
   * @throws ForbiddenException for another non-admin user
   */
  public HubUser requireUserOrAdmin(Context ctx, String name) {
    HubUser user = requireUser(ctx);
    if (name == null || !Credentials.isValidUsername(name) || !name.equals(Credentials.normalize(name))) {
      throw new io.javalin.http.NotFoundResponse("no user '" + name + "': user names are lower case"
          + " (a-z, 0-9, '.', '_', '-')");
    }
    if (!user.admin() && !user.name().equals(name)) {
      throw new ForbiddenException("user '" + user.name() + "' may not act for user '" + name
          + "': only that user or an admin may");
    }
    return user;
  }

  /**
   * The XSRF check for a state-changing request; requests authenticated by API token pass.
   *
   * @throws XsrfException when the {@code _xsrf} cookie and field or header are missing or differ
   */
  public void checkXsrf(Context ctx) {
    if (via(ctx) != Via.TOKEN) xsrf.check(ctx, liveSessionId(ctx));
  }

  /** The {@code _xsrf} value to put into forms, setting the cookie when the request had none. */
  public String xsrfToken(Context ctx) {
    return xsrf.token(ctx, liveSessionId(ctx));
  }

  /**
   * Starts a new session of {@code user}, ending the request's old one, and sets the cookie, and an
   * {@code _xsrf} token of the new session.
   */
  public void startSession(Context ctx, HubUser user) {
    sessions.remove(ctx.cookie(SESSION_COOKIE)); // a fresh id at every login: no session fixation
    String id = sessions.create(user);
    ctx.cookie(sessionCookie(id, -1));
    ctx.attribute(ATTRIBUTE, new Resolved(Optional.of(Caller.of(user)), Via.COOKIE));
    ctx.attribute(STARTED_SESSION, id);
    xsrf.token(ctx, id);
  }

  /**
   * The id of the session this request belongs to, for XSRF tokens: one started by this request,
   * else the session cookie's when it names a live session, else null (logged out).
   */
  private String liveSessionId(Context ctx) {
    String started = ctx.attribute(STARTED_SESSION);
    if (started != null) return started;
    String cookie = ctx.cookie(SESSION_COOKIE);
    return cookie != null && sessions.lookup(cookie).isPresent() ? cookie : null;
  }

  /**
   * Ends the request's session, clears the cookie and runs the logout hook; returns the user who
   * logged out, empty when there was no live session.
   */
  public Optional<HubUser> endSession(Context ctx) {
    Optional<HubUser> user = sessions.remove(ctx.cookie(SESSION_COOKIE));
    ctx.cookie(sessionCookie("", 0));
    ctx.attribute(ATTRIBUTE, new Resolved(Optional.empty(), Via.NONE));
    user.ifPresent(u -> {
      try {
        onLogout.accept(u);
      } catch (RuntimeException e) {
        LOG.atWarn().addKeyValue("user", u.name()).setCause(e).log("logout hook failed");
      }
    });
    return user;
  }

  /** Whether {@code path} is under the REST API ({@code /hub/api}). */
  public static boolean isApiPath(String path) {
    return path.startsWith(API_PREFIX) || path.equals("/hub/api");
  }

  /**
   * The same rules as {@link #currentUser} for code that has no Javalin {@link Context} (e.g. a
   * proxy servlet): the user of this {@code Authorization} header, else of this session id (the
   * {@value #SESSION_COOKIE} cookie's value); both may be null.
   */
  public Optional<HubUser> identify(String authorizationHeader, String sessionId) {
    return identifyCaller(authorizationHeader, sessionId).map(Caller::user);
  }

  /** {@link #identify} with the caller's rights. */
  public Optional<Caller> identifyCaller(String authorizationHeader, String sessionId) {
    return ApiTokens.fromAuthorization(authorizationHeader).flatMap(this::tokenCaller)
        .or(() -> sessions.lookup(sessionId).map(Caller::of));
  }

  /** The caller of an API token, as an {@code Authorization} header would make it; empty when it is not valid. */
  public Optional<Caller> tokenCallerOf(String token) {
    return token == null || token.isEmpty() || token.length() > ApiTokens.MAX_TOKEN_CHARS ? Optional.empty()
        : tokenCaller(token);
  }

  private Resolved resolve(Context ctx) {
    Resolved cached = ctx.attribute(ATTRIBUTE);
    if (cached != null) return cached;
    Resolved resolved = ApiTokens.fromAuthorization(ctx.header("Authorization"))
        .flatMap(this::tokenCaller)
        .map(c -> new Resolved(Optional.of(c), Via.TOKEN))
        .orElseGet(() -> sessions.lookup(ctx.cookie(SESSION_COOKIE))
            .map(u -> new Resolved(Optional.of(Caller.of(u)), Via.COOKIE))
            .orElse(new Resolved(Optional.empty(), Via.NONE)));
    ctx.attribute(ATTRIBUTE, resolved);
    return resolved;
  }

  private Optional<Caller> tokenCaller(String token) {
    String hash = ApiTokens.sha256Hex(token);
    Instant now = clock.instant();
    CachedToken cached = tokenCache.get(hash);
    if (cached != null && now.isBefore(cached.until())) return Optional.of(cached.caller());
    Optional<ServerApiTokens.ServerRef> server = serverTokens.find(hash);
    if (server.isPresent()) {
      return accounts.find(server.get().user()).map(u -> new Caller(u,
          Scopes.forToken(Scopes.serverToken(u.name(), server.get().server()), u.name(), u.admin()), true));
    }
    Optional<HubTokenOwner> owner;
    try {
      owner = lookUpToken(hash, now);
    } catch (dev.gpuhub.store.StoreException e) {
      return Optional.of(confirmedTokens.standIn(hash, now).filter(c -> c.expires() == null || now.isBefore(c.expires()))
          .orElseThrow(() -> e).caller());
    }
    if (tokenCache.size() > 10_000) tokenCache.clear(); // bounded: a flood of distinct tokens finds nothing to keep
    Optional<Caller> caller = owner.map(o -> {
      HubUser user = HubUser.of(o.user());
      java.util.List<String> scopes = Scopes.parse(o.token().scopes());
      boolean restricted = scopes != null && !scopes.contains(Scopes.INHERIT);
      return new Caller(user, Scopes.forToken(scopes, user.name(), user.admin()), restricted);
    });
    caller.ifPresentOrElse(c -> {
      Instant until = now.plus(TOKEN_CACHE);
      Instant expires = owner.get().token().expiresAt();
      CachedToken remembered = new CachedToken(c, expires != null && expires.isBefore(until) ? expires : until, expires);
      tokenCache.put(hash, remembered);
      confirmedTokens.remember(hash, remembered, now);
    }, () -> {
      tokenCache.remove(hash);
      confirmedTokens.forget(hash);
    });
    return caller;
  }

  /** Forgets what was remembered of tokens (one was deleted, a user deleted or changed). */
  void forgetTokens() {
    tokenCache.clear();
    confirmedTokens.forgetAll();
  }

  private Optional<HubTokenOwner> lookUpToken(String hash, Instant now) {
    Optional<HubTokenOwner> owner = repository.findByTokenHash(hash, now);
    owner.ifPresent(o -> {
      Instant last = o.token().lastUsed();
      if (last == null || !now.isBefore(last.plus(TOKEN_TOUCH_INTERVAL))) {
        repository.touchToken(o.token().id(), now);
      }
    });
    return owner;
  }

  private Cookie sessionCookie(String value, int maxAge) {
    Cookie cookie = new Cookie(SESSION_COOKIE, value);
    cookie.setPath("/");
    cookie.setMaxAge(maxAge);
    cookie.setHttpOnly(true);
    cookie.setSecure(config.cookieSecure());
    cookie.setSameSite(SameSite.LAX);
    return cookie;
  }
}
