package dev.gpuhub.server.hub.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.server.http.ApiErrors;
import dev.gpuhub.wire.WireJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JupyterHub's OAuth 2 provider for users' servers ({@code jupyterhub-singleuser} and
 * {@code jupyterhub.services.auth.HubOAuth}), the authorization-code grant only:
 * <ol>
 *   <li>{@code GET /hub/api/oauth2/authorize?client_id&redirect_uri&response_type=code&state}: the
 *       browser's user, logged in to the hub (else sent to the login page and back), must be allowed
 *       into that server: its owner, or an admin who opened it ({@code adminMayAccess}). The answer
 *       is a redirect to the client's registered redirect URI with a one-time code (60 s).</li>
 *   <li>{@code POST /hub/api/oauth2/token} (form: {@code client_id, client_secret, grant_type,
 *       code, redirect_uri}; or the client in HTTP Basic): the server, authenticated by its own API
 *       token as client secret, swaps the code for an access token of the user, limited to
 *       {@code access:servers!server=<owner>/<server>}, valid {@link #ACCESS_TOKEN_LIFETIME}.</li>
 * </ol>
 * Errors follow RFC 6749: 400 with JSON {@code error} (and {@code error_description}) at the
 * token endpoint; at the authorize endpoint, which a browser sees, 400 or 403 naming the problem.
 */
public final class OAuthRoutes {
  /** How long an authorization code may be swapped. */
  static final Duration CODE_LIFETIME = Duration.ofSeconds(60);
  /** How long an OAuth access token works; the server sends the browser through the (silent) authorization again after. */
  static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofHours(24);
  private static final int MAX_CODES = 10_000;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Logger LOG = LoggerFactory.getLogger(OAuthRoutes.class);

  /** An issued code: for whom, which server, and where it may be redeemed. */
  private record Grant(ServerApiTokens.ServerRef server, HubUser user, String redirectUri, Instant expires) {}

  private final HubAuth auth;
  private final BiPredicate<String, String> adminMayAccess;
  private final Clock clock;
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();

  /**
   * @param adminMayAccess whether admin (first) has opened user (second)'s server through the
   *                       confirmed access step
   */
  public OAuthRoutes(HubAuth auth, BiPredicate<String, String> adminMayAccess, Clock clock) {
    this.auth = auth;
    this.adminMayAccess = adminMayAccess;
    this.clock = clock;
  }

  public void install(JavalinConfig config) {
    config.routes.get("/hub/api/oauth2/authorize", this::authorize);
    config.routes.post("/hub/api/oauth2/token", this::token);
  }

  private void authorize(Context ctx) {
    Optional<HubUser> user = auth.via(ctx) == HubAuth.Via.COOKIE ? auth.currentUser(ctx) : Optional.empty();
    if (user.isEmpty()) { // only a browser session authorizes; come back after logging in
      ctx.redirect(AuthRoutes.LOGIN + "?next=" + URLEncoder.encode(ctx.path() + "?" + ctx.queryString(),
          StandardCharsets.UTF_8), HttpStatus.FOUND);
      return;
    }
    if (!"code".equals(ctx.queryParam("response_type"))) {
      page(ctx, 400, "response_type must be 'code' (the authorization-code grant is the only one this hub offers)");
      return;
    }
    Optional<ServerApiTokens.ServerRef> client = auth.serverTokens().client(ctx.queryParam("client_id"));
    if (client.isEmpty()) {
      page(ctx, 400, "no running server is OAuth client '" + ctx.queryParam("client_id") + "'");
      return;
    }
    String registered = auth.serverTokens().callback(client.get()).orElseThrow();
    String redirect = ctx.queryParam("redirect_uri");
    if (redirect != null && !redirect.equals(registered)) {
      page(ctx, 400, "redirect_uri '" + redirect + "' is not the one registered for this server ('" + registered + "')");
      return;
    }
    String owner = client.get().user();
    HubUser caller = user.get();
    if (!caller.name().equals(owner) && !(caller.admin() && adminMayAccess.test(caller.name(), owner))) {
      LOG.atInfo().addKeyValue("user", caller.name()).addKeyValue("server", owner).log("OAuth access refused");
      page(ctx, 403, "user '" + caller.name() + "' may not use " + owner + "'s server"
          + (caller.admin() ? ": open it first from the admin page (Access server)" : ""));
      return;
    }
    String code = random();
    Instant now = clock.instant();
    if (codes.size() >= MAX_CODES) codes.values().removeIf(g -> !now.isBefore(g.expires()));
    if (codes.size() >= MAX_CODES) {
      page(ctx, 503, "too many logins are under way; try again in a minute");
      return;
    }
    codes.put(code, new Grant(client.get(), caller, registered, now.plus(CODE_LIFETIME)));
    String state = ctx.queryParam("state");
    String target = registered + (registered.contains("?") ? "&" : "?") + "code=" + code
        + (state == null ? "" : "&state=" + URLEncoder.encode(state, StandardCharsets.UTF_8));
    ctx.redirect(target, HttpStatus.FOUND);
  }

  private void token(Context ctx) {
    String clientId = ctx.formParam("client_id");
    String secret = ctx.formParam("client_secret");
    String basic = ctx.header("Authorization");
    if (basic != null && basic.regionMatches(true, 0, "Basic ", 0, 6)) {
      String[] pair = decodeBasic(basic.substring(6).trim());
      if (pair != null) {
        clientId = pair[0];
        secret = pair[1];
      }
    }
    if (!"authorization_code".equals(ctx.formParam("grant_type"))) {
      oauthError(ctx, "unsupported_grant_type", "grant_type must be 'authorization_code'");
      return;
    }
    Optional<ServerApiTokens.ServerRef> client = auth.serverTokens().client(clientId);
    if (client.isEmpty() || !auth.serverTokens().isTokenOf(client.get().user(), client.get().server(), secret)) {
      ctx.status(401);
      oauthError(ctx, "invalid_client", "unknown client or wrong client_secret");
      return;
    }
    String code = ctx.formParam("code");
    Grant grant = code == null ? null : codes.remove(code);
    if (grant == null || !clock.instant().isBefore(grant.expires()) || !grant.server().equals(client.get())) {
      oauthError(ctx, "invalid_grant", "the code is unknown, used, expired or for another client");
      return;
    }
    String redirect = ctx.formParam("redirect_uri");
    if (redirect != null && !redirect.equals(grant.redirectUri())) {
      oauthError(ctx, "invalid_grant", "redirect_uri differs from the authorization request's");
      return;
    }
    String scope = "access:servers!server=" + grant.server().user() + "/" + grant.server().server();
    UserAccounts.IssuedToken issued = auth.accounts().createToken(grant.user(),
        UserJson.OAUTH_NOTE + ServerApiTokens.clientId(grant.server().user(), grant.server().server()), ACCESS_TOKEN_LIFETIME, scope);
    ObjectNode body = WireJson.mapper().createObjectNode();
    body.put("access_token", issued.token());
    body.put("token_type", "Bearer");
    body.put("expires_in", ACCESS_TOKEN_LIFETIME.toSeconds());
    body.put("scope", scope);
    ctx.header("Cache-Control", "no-store");
    ApiErrors.send(ctx, 200, body);
  }

  private static String[] decodeBasic(String encoded) {
    try {
      String pair = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
      int colon = pair.indexOf(':');
      return colon < 0 ? null : new String[] {pair.substring(0, colon), pair.substring(colon + 1)};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void oauthError(Context ctx, String error, String description) {
    ObjectNode body = WireJson.mapper().createObjectNode();
    body.put("error", error);
    body.put("error_description", description);
    ApiErrors.send(ctx, ctx.statusCode() == 401 ? 401 : 400, body);
  }

  private static void page(Context ctx, int status, String message) {
    ctx.status(status).html(AuthPages.message("Cannot open the server", message, AuthRoutes.HOME, "Home"));
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
