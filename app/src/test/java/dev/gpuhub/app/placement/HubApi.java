package dev.gpuhub.app.placement;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.wire.WireJson;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The hub's REST API as a logged-in admin (session cookie + X-XSRFToken). Thread-safe. */
final class HubApi {
  private final String base;
  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient http;

  private HubApi(String base) {
    this.base = base;
    this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  /**
   * Signs up "admin" (named admin in the hub's configuration) with the setup secret the hub wrote
   * into {@code dataDir}, and logs in.
   */
  static HubApi signUpAdmin(String base, java.nio.file.Path dataDir, String pw) {
    HubApi api = new HubApi(base);
    String secret;
    try {
      secret = java.nio.file.Files.readString(dataDir.resolve(dev.gpuhub.server.hub.auth.AdminSetup.FILE)).strip();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    api.send(HttpRequest.newBuilder(URI.create(base + "/hub/signup")).GET());
    api.form("/hub/signup", "username=admin&password=" + pw + "&password_confirmation=" + pw + "&admin_secret=" + secret);
    return logIn(api, pw);
  }

  /** Logs "admin" in. */
  static HubApi logIn(String base, String pw) {
    return logIn(new HubApi(base), pw);
  }

  private static HubApi logIn(HubApi api, String pw) {
    String base = api.base;
    api.send(HttpRequest.newBuilder(URI.create(base + "/hub/login")).GET());
    HttpResponse<String> login = api.form("/hub/login", "username=admin&password=" + pw);
    if (login.statusCode() != 302) throw new AssertionError("admin login: " + login.statusCode() + " " + login.body());
    return api;
  }

  HttpResponse<String> call(String method, String path, String json) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    String xsrf = xsrf();
    if (xsrf != null) b.header("X-XSRFToken", xsrf);
    return send(b);
  }

  JsonNode json(String path) {
    HttpResponse<String> r = call("GET", path, null);
    try {
      return WireJson.mapper().readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body(), e);
    }
  }

  private HttpResponse<String> form(String path, String body) {
    String xsrf = xsrf();
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body + (xsrf == null ? "" : "&_xsrf=" + URLEncoder.encode(xsrf, StandardCharsets.UTF_8)))));
  }

  private String xsrf() {
    for (HttpCookie c : cookies.getCookieStore().getCookies()) {
      if (c.getName().equals("_xsrf")) return c.getValue();
    }
    return null;
  }

  private HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
