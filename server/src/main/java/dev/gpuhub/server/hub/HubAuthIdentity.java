package dev.gpuhub.server.hub;

import dev.gpuhub.server.hub.auth.HubAuth;
import dev.gpuhub.server.hub.auth.HubUser;
import dev.gpuhub.server.hub.auth.Scopes;
import dev.gpuhub.server.hub.proxy.ProxyAccess;
import io.javalin.http.Context;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * The hub's identity rules over {@link HubAuth}: for Javalin routes ({@link HubIdentity}) and for
 * the proxy servlet ({@link ProxyAccess}), which sees the raw servlet request. An admin reaches
 * another user's server only after opening it explicitly ({@link AdminAccess}). On a user's
 * subdomain the caller is known by the subdomain's own session
 * ({@link dev.gpuhub.server.hub.proxy.ServerSessions}), good for that server only.
 */
public final class HubAuthIdentity implements HubIdentity, ProxyAccess {
  private final HubAuth auth;
  private final AdminAccess adminAccess;
  private final dev.gpuhub.server.hub.proxy.ServerSessions serverSessions;

  public HubAuthIdentity(HubAuth auth, AdminAccess adminAccess, dev.gpuhub.server.hub.proxy.ServerSessions serverSessions) {
    this.auth = auth;
    this.adminAccess = adminAccess;
    this.serverSessions = serverSessions;
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

  /**
   * The owner reaches their server, and an admin another user's once opened ({@link AdminAccess}).
   * A token carrying fewer rights than its owner reaches a server only when its scopes grant
   * {@code access:servers} on it, as in JupyterHub.
   */
  @Override
  public Decision check(HttpServletRequest request, dev.gpuhub.core.hub.ServerId server) {
    String owner = server.user();
    Optional<HubAuth.Caller> caller = auth.identifyCaller(request.getHeader("Authorization"), cookie(request, HubAuth.SESSION_COOKIE))
        .or(() -> serverSessionUser(request, owner).map(HubAuth.Caller::of));
    if (caller.isEmpty()) return Decision.ANONYMOUS;
    HubUser user = caller.get().user();
    if (caller.get().restricted() && !Scopes.allows(caller.get().scopes(), "access:servers", owner, server.name(), auth::groupsOf)) {
      return Decision.FORBIDDEN;
    }
    if (user.name().equals(owner)) return Decision.ALLOW;
    if (!user.admin()) return Decision.FORBIDDEN;
    return adminAccess.isOpen(user.name(), owner) ? Decision.ALLOW : Decision.ADMIN_MUST_CONFIRM;
  }

  /**
   * The caller of a subdomain's session for {@code owner}'s server, as the account is now (a deleted
   * user, or an admin no longer, gets nothing more than the account allows).
   */
  private Optional<HubUser> serverSessionUser(HttpServletRequest request, String owner) {
    return serverSessions.lookup(cookie(request, dev.gpuhub.server.hub.proxy.ServerSessions.COOKIE))
        .filter(g -> g.owner().equals(owner))
        .flatMap(g -> auth.accounts().find(g.caller()));
  }

  private static String cookie(HttpServletRequest request, String name) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) return null;
    for (Cookie c : cookies) {
      if (name.equals(c.getName())) return c.getValue();
    }
    return null;
  }

  private static User user(HubUser u) {
    return new User(u.name(), u.admin());
  }
}
