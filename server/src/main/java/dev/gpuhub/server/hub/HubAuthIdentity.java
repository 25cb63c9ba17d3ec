package dev.gpuhub.server.hub;

import dev.gpuhub.server.hub.auth.ApiTokens;
import dev.gpuhub.server.hub.auth.HubAuth;
import dev.gpuhub.server.hub.auth.HubUser;
import dev.gpuhub.server.hub.proxy.ProxyAccess;
import dev.gpuhub.store.HubRepository;
import io.javalin.http.Context;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.Optional;

/**
 * The hub's identity rules over {@link HubAuth}: for Javalin routes ({@link HubIdentity}) and for
 * the proxy servlet ({@link ProxyAccess}), which sees the raw servlet request.
 */
public final class HubAuthIdentity implements HubIdentity, ProxyAccess {
  private final HubAuth auth;
  private final HubRepository repository;
  private final Clock clock;

  public HubAuthIdentity(HubAuth auth, HubRepository repository, Clock clock) {
    this.auth = auth;
    this.repository = repository;
    this.clock = clock;
  }

  @Override
  public Optional<User> current(Context ctx) {
    return auth.currentUser(ctx).map(HubAuthIdentity::user);
  }

  @Override
  public User requireUser(Context ctx) {
    return user(auth.requireUser(ctx));
  }

  @Override
  public User requireOwnerOrAdmin(Context ctx, String owner) {
    return user(auth.requireUserOrAdmin(ctx, owner));
  }

  @Override
  public User requireAdmin(Context ctx) {
    return user(auth.requireAdmin(ctx));
  }

  @Override
  public void checkXsrf(Context ctx) {
    auth.checkXsrf(ctx);
  }

  @Override
  public String xsrfToken(Context ctx) {
    return auth.xsrfToken(ctx);
  }

  @Override
  public Decision check(HttpServletRequest request, String owner) {
    Optional<HubUser> user = fromToken(request).or(() -> fromSession(request));
    if (user.isEmpty()) return Decision.ANONYMOUS;
    return user.get().admin() || user.get().name().equals(owner) ? Decision.ALLOW : Decision.FORBIDDEN;
  }

  private Optional<HubUser> fromSession(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) return Optional.empty();
    for (Cookie c : cookies) {
      if (HubAuth.SESSION_COOKIE.equals(c.getName())) return auth.sessions().lookup(c.getValue());
    }
    return Optional.empty();
  }

  private Optional<HubUser> fromToken(HttpServletRequest request) {
    return ApiTokens.fromAuthorization(request.getHeader("Authorization"))
        .flatMap(token -> repository.findByTokenHash(ApiTokens.sha256Hex(token), clock.instant()))
        .map(owner -> new HubUser(owner.user().id(), owner.user().name(), owner.user().admin()));
  }

  private static User user(HubUser u) {
    return new User(u.name(), u.admin());
  }
}
