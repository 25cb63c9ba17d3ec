package dev.gpuhub.server.hub.auth;

import dev.gpuhub.testkit.MutableClock;
import dev.gpuhub.server.http.ApiErrors;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.store.Stores;
import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real Javalin on a free loopback port with {@link AuthRoutes} and {@link ApiErrors} on embedded
 * stores, a hand-moved clock, recording logout/delete hooks, and two stand-in hub routes:
 * {@code GET /hub/home} (needs a user) and {@code POST /hub/spawn} (needs a user); the OAuth
 * provider ({@link OAuthRoutes}, no admin access) and activity reports recorded in {@link #activity}.
 */
final class AuthApp implements AutoCloseable {
  static final Instant START = Instant.parse("2025-03-01T10:00:00Z");

  final MutableClock clock = new MutableClock(START);
  final Stores stores;
  final HubAuth auth;
  final Javalin app;
  final String url;
  final List<String> loggedOut = new CopyOnWriteArrayList<>();
  final List<String> deleted = new CopyOnWriteArrayList<>();
  /** Activity reports taken: {@code user/server@time}. */
  final List<String> activity = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NEVER).build();

  private AuthApp(Path dataDir, HubAuthConfig config) {
    stores = Stores.open(StoreConfig.embedded(dataDir));
    auth = new HubAuth(stores.hub(), config, clock);
    auth.accounts().adminSetup(AdminSetup.open(dataDir, config.adminUsers(), n -> stores.hub().findUser(n).isPresent()));
    auth.onLogout(user -> loggedOut.add(user.name()));
    auth.onDelete(user -> deleted.add(user.name() + (stores.hub().findUser(user.name()).isPresent() ? " (still stored)" : "")));
    app = Javalin.create(c -> {
      c.jetty.host = "127.0.0.1";
      c.jetty.port = 0;
      c.startup.showJavalinBanner = false;
      ApiErrors.install(c, dev.gpuhub.server.discovery.DiscoveryRoutes.ERRORS);
      new AuthRoutes(auth, (user, server, at) -> activity.add(user + "/" + server + "@" + at)).install(c);
      new OAuthRoutes(auth, (admin, owner) -> false, clock).install(c);
      c.routes.get("/hub/home", ctx -> ctx.html("<p>home of " + Html.escape(auth.requireUser(ctx).name()) + "</p>"));
      c.routes.post("/hub/spawn", ctx -> ctx.status(HttpStatus.FOUND).header("Location",
          "/hub/spawn-pending/" + auth.requireUser(ctx).name()));
    }).start();
    url = "http://127.0.0.1:" + app.port();
  }

  static AuthApp start(Path dataDir, HubAuthConfig config) {
    return new AuthApp(dataDir, config);
  }

  /** A browser-like client with its own cookie jar. */
  Browser browser() {
    return new Browser(url);
  }

  /** A JSON API call with {@code Authorization: token <token>} (none when token is null). */
  HttpResponse<String> api(String method, String path, String token, String json) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (token != null) b.header("Authorization", "token " + token);
    return send(http, b.build());
  }

  /** Creates a user directly and returns a fresh API token of theirs. */
  String userWithToken(String name, boolean admin) {
    HubUser user = auth.accounts().create(name, "password-of-" + name, admin);
    return auth.accounts().createToken(user, "test", null).token();
  }

  /** The JSON body of an answer. */
  static com.fasterxml.jackson.databind.JsonNode json(HttpResponse<String> r) {
    try {
      return dev.gpuhub.wire.WireJson.mapper().readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + r.body(), e);
    }
  }

  static HttpResponse<String> send(HttpClient http, HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("request " + request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      app.stop();
    } finally {
      stores.close();
    }
  }
}
