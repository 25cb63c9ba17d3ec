package dev.gpuhub.server.hub.web;

import static dev.gpuhub.server.hub.web.Html.esc;

import dev.gpuhub.server.hub.AdminAccess;
import dev.gpuhub.server.hub.HubIdentity;
import dev.gpuhub.server.hub.proxy.ProxyAccess;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

/**
 * The explicit, logged step before an admin uses another user's server ({@link AdminAccess}):
 * {@code GET /hub/admin/access/<name>} asks, {@code POST} (with {@code _xsrf}, or by API token)
 * opens it for {@link AdminAccess#LASTS} and sends a browser on to {@code next} (a path under
 * {@code /user/<name>/}) or the server's root; an API caller gets {@code {"user", "until"}}.
 */
public final class AdminAccessRoutes {
  private final HubIdentity identity;
  private final AdminAccess access;

  public AdminAccessRoutes(HubIdentity identity, AdminAccess access) {
    this.identity = identity;
    this.access = access;
  }

  public void install(JavalinConfig c) {
    c.routes.get(ProxyAccess.ADMIN_ACCESS_PATH + "{name}", this::ask);
    c.routes.post(ProxyAccess.ADMIN_ACCESS_PATH + "{name}", this::open);
  }

  private void ask(Context ctx) {
    HubIdentity.User admin = identity.requireAdmin(ctx);
    String owner = owner(ctx);
    String next = next(ctx, owner);
    ctx.html(Html.page("Open a user's server", admin.name(), true, "<h1>Open the server of " + esc(owner) + "?</h1>"
        + "<p>It runs whatever " + esc(owner) + " put there, under this hub's address, and you would use it as an"
        + " administrator. Opening it is logged with your name and lasts an hour.</p>"
        + "<form method=\"post\" action=\"" + esc(ProxyAccess.ADMIN_ACCESS_PATH + owner) + "\">"
        + "<input type=\"hidden\" name=\"_xsrf\" value=\"" + esc(identity.xsrfToken(ctx)) + "\">"
        + "<input type=\"hidden\" name=\"next\" value=\"" + esc(next) + "\">"
        + "<button type=\"submit\" id=\"open-server\">Open it</button></form>"
        + "<p><a href=\"/hub/admin\">Back to the admin page</a></p>"));
  }

  private void open(Context ctx) {
    HubIdentity.User admin = identity.requireAdmin(ctx);
    String owner = owner(ctx);
    java.time.Instant until = access.open(admin.name(), owner);
    String accept = ctx.header("Accept");
    if (accept != null && accept.contains("text/html")) {
      ctx.redirect(next(ctx, owner), HttpStatus.SEE_OTHER);
      return;
    }
    ctx.json(java.util.Map.of("user", owner, "until", until.toString()));
  }

  private static String owner(Context ctx) {
    String name = ctx.pathParam("name");
    if (!name.matches("[a-z0-9][a-z0-9._-]{0,31}")) throw new io.javalin.http.NotFoundResponse("no user '" + name + "'");
    return name;
  }

  /** The {@code next} path (form field or query) when it stays within the owner's server, else the server's root. */
  private static String next(Context ctx, String owner) {
    String next = ctx.formParam("next");
    return dev.gpuhub.server.hub.proxy.UserServerProxyServlet.withinServer(next != null ? next : ctx.queryParam("next"), owner);
  }
}
