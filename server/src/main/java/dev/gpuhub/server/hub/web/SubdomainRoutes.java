package dev.gpuhub.server.hub.web;

import dev.gpuhub.server.hub.AdminAccess;
import dev.gpuhub.server.hub.HubIdentity;
import dev.gpuhub.server.hub.proxy.ProxyAccess;
import dev.gpuhub.server.hub.proxy.ServerSessions;
import dev.gpuhub.server.hub.proxy.Subdomains;
import dev.gpuhub.server.hub.proxy.UserServerProxyServlet;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.SameSite;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The hub's side of per-user subdomains ({@link Subdomains}), installed only when they are on:
 * <ul>
 *   <li>on a user's subdomain the hub's own pages and API do not exist (404), except
 *       {@link #SESSION}, which takes a one-time code and sets the subdomain's session cookie;</li>
 *   <li>{@code GET /hub/server-login?user=<name>&next=<path>} on the hub, for a logged-in owner (or
 *       an admin who opened that server, {@link AdminAccess}), issues the code and sends the browser
 *       to the user's subdomain with it.</li>
 * </ul>
 */
public final class SubdomainRoutes {
  /** Where a subdomain exchanges a code for its session. */
  public static final String SESSION = "/hub/server-session";

  private final HubIdentity identity;
  private final Subdomains subdomains;
  private final ServerSessions sessions;
  private final AdminAccess adminAccess;
  private final boolean secureCookie;

  public SubdomainRoutes(HubIdentity identity, Subdomains subdomains, ServerSessions sessions, AdminAccess adminAccess,
                         boolean secureCookie) {
    this.identity = identity;
    this.subdomains = subdomains;
    this.sessions = sessions;
    this.adminAccess = adminAccess;
    this.secureCookie = secureCookie;
  }

  /** Installs the routes and, first of all, the filter that keeps the hub's routes off users' subdomains. */
  public void install(JavalinConfig c) {
    if (!subdomains.on()) return;
    c.routes.before(ctx -> {
      if (subdomains.ownerOf(ctx.header("Host")).isPresent() && !ctx.path().equals(SESSION)) {
        throw new NotFoundResponse("this is a user's server: the hub is at " + subdomains.hubOrigin() + "/hub/");
      }
    });
    c.routes.get(UserServerProxyServlet.SERVER_LOGIN, this::login);
    c.routes.get(SESSION, this::session);
  }

  private void login(Context ctx) {
    HubIdentity.User caller = identity.requireUser(ctx);
    String owner = ctx.queryParam("user");
    if (owner == null || !owner.matches("[a-z0-9][a-z0-9._-]{0,31}")) throw new NotFoundResponse("no user '" + owner + "'");
    String next = UserServerProxyServlet.withinServer(ctx.queryParam("next"), owner);
    if (!caller.name().equals(owner)) {
      if (!caller.admin()) throw new io.javalin.http.ForbiddenResponse("this server belongs to " + owner);
      if (!adminAccess.isOpen(caller.name(), owner)) {
        ctx.redirect(ProxyAccess.ADMIN_ACCESS_PATH + owner + "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8),
            HttpStatus.FOUND);
        return;
      }
    }
    String code = sessions.issueCode(caller.name(), owner);
    ctx.redirect(subdomains.origin(owner) + SESSION + "?code=" + code + "&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8),
        HttpStatus.FOUND);
  }

  private void session(Context ctx) {
    String owner = subdomains.ownerOf(ctx.header("Host")).orElseThrow(() -> new NotFoundResponse("not a user's server"));
    var id = sessions.exchange(ctx.queryParam("code"), owner);
    if (id.isEmpty()) {
      ctx.status(HttpStatus.FORBIDDEN).html("<!doctype html><title>Link expired</title><p>This link has expired or was"
          + " used already. <a href=\"" + subdomains.hubOrigin() + "/hub/home\">Open your server from the hub</a>.</p>");
      return;
    }
    Cookie cookie = new Cookie(ServerSessions.COOKIE, id.get());
    cookie.setPath("/");
    cookie.setHttpOnly(true);
    cookie.setSecure(secureCookie);
    cookie.setSameSite(SameSite.LAX);
    ctx.cookie(cookie); // host-only: this user's subdomain, nothing else
    ctx.redirect(UserServerProxyServlet.withinServer(ctx.queryParam("next"), owner), HttpStatus.FOUND);
  }
}
