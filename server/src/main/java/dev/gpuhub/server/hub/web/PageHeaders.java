package dev.gpuhub.server.hub.web;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

/**
 * Headers on every answer of the hub's own routes (pages and API; not what the proxies forward from
 * users' servers): no framing by any site ({@code frame-ancestors 'none'}, {@code X-Frame-Options}),
 * no content sniffing, no full URL in the Referer sent elsewhere, and a Content-Security-Policy that
 * lets pages load and call only the hub itself. The hub's pages still use inline scripts and styles,
 * which the policy allows.
 */
public final class PageHeaders {
  /** The Content-Security-Policy of the hub's answers. */
  public static final String CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self'"
      + " 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none';"
      + " form-action 'self'; frame-ancestors 'none'";

  private PageHeaders() {}

  /** Sets the headers before every route of the app. */
  public static void install(JavalinConfig config) {
    install(config, dev.gpuhub.server.hub.proxy.Subdomains.off());
  }

  /**
   * The same, with per-user subdomains: a form of the hub may then lead (through redirects) to a
   * user's subdomain, which browsers check against {@code form-action}.
   */
  public static void install(JavalinConfig config, dev.gpuhub.server.hub.proxy.Subdomains subdomains) {
    String csp = subdomains.on() ? CSP.replace("form-action 'self'", "form-action 'self' " + subdomains.wildcardOrigin()) : CSP;
    config.routes.before(ctx -> apply(ctx, csp));
  }

  static void apply(Context ctx, String csp) {
    ctx.header("Content-Security-Policy", csp);
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "same-origin");
  }
}
