package dev.gpuhub.app.hub;

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
import java.util.Map;
import java.util.stream.Collectors;

/** A browser-like HTTP client of the hub: cookies, _xsrf, forms (redirects are not followed). */
final class HubClient {
  final String base;
  final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  final HttpClient http;

  HubClient(String base) {
    this.base = base;
    this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/html").GET());
  }

  HttpResponse<String> getJson(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json").GET());
  }

  /** POSTs a form with the current _xsrf value added. */
  HttpResponse<String> form(String path, Map<String, String> fields) {
    String xsrf = xsrf();
    String body = fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"))
        + (xsrf == null ? "" : "&_xsrf=" + enc(xsrf));
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** An API call authenticated by the session cookie, with X-XSRFToken. */
  HttpResponse<String> api(String method, String path, String json) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    String xsrf = xsrf();
    if (xsrf != null) b.header("X-XSRFToken", xsrf);
    return send(b);
  }

  /**
   * Opens {@code path} as a browser does, following redirects (the hub's login, JupyterHub's OAuth
   * authorize and the server's callback) within this hub; returns the last answer.
   */
  HttpResponse<String> browse(String path) {
    String at = path;
    for (int hop = 0; hop < 10; hop++) {
      HttpResponse<String> r = get(at);
      java.util.Optional<String> next = r.headers().firstValue("Location");
      if (r.statusCode() / 100 != 3 || next.isEmpty()) return r;
      URI target = URI.create(base + at).resolve(next.get());
      if (!target.toString().startsWith(base)) throw new AssertionError("redirected off the hub to " + target);
      at = target.toString().substring(base.length());
    }
    throw new AssertionError("more than 10 redirects from " + path);
  }

  /**
   * A call to a JupyterHub single-user server's API with the browser's cookies, as its own pages
   * make it: with the server's {@code _xsrf} cookie (path {@code /user/<owner>/}) in {@code X-XSRFToken}.
   */
  HttpResponse<String> serverApi(String owner, String method, String path, String json) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    for (HttpCookie c : cookies.getCookieStore().getCookies()) {
      if (c.getName().equals("_xsrf") && c.getPath() != null && c.getPath().startsWith("/user/" + owner)) {
        b.header("X-XSRFToken", c.getValue());
      }
    }
    return send(b);
  }

  /** Logs out as a browser does: the confirmation page, then its POST. */
  HttpResponse<String> logOut() {
    get("/hub/logout");
    return form("/hub/logout", Map.of());
  }

  /** The hub's _xsrf cookie (path /hub/; a user's Jupyter server sets its own under /user/). */
  String xsrf() {
    String any = null;
    for (HttpCookie c : cookies.getCookieStore().getCookies()) {
      if (!c.getName().equals("_xsrf")) continue;
      if ("/hub/".equals(c.getPath())) return c.getValue();
      if (any == null) any = c.getValue();
    }
    return any;
  }

  String cookieHeader() {
    return cookies.getCookieStore().getCookies().stream().map(c -> c.getName() + "=" + c.getValue())
        .collect(Collectors.joining("; "));
  }

  /** Signs up and logs in; returns the login response (302 expected). */
  HttpResponse<String> signUpAndLogIn(String user, String password) {
    return signUpAndLogIn(user, password, null);
  }

  /** Signs up (with the administrator setup secret when not null) and logs in; returns the login response. */
  HttpResponse<String> signUpAndLogIn(String user, String password, String adminSecret) {
    get("/hub/signup");
    Map<String, String> fields = new java.util.HashMap<>(Map.of("username", user, "password", password,
        "password_confirmation", password));
    if (adminSecret != null) fields.put("admin_secret", adminSecret);
    HttpResponse<String> signup = form("/hub/signup", fields);
    if (signup.statusCode() >= 400) throw new AssertionError("signup failed: " + signup.statusCode() + " " + signup.body());
    get("/hub/login");
    return form("/hub/login", Map.of("username", user, "password", password));
  }

  HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return WireJson.mapper().readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body(), e);
    }
  }

  /** The text of a hub page's error box ({@code role="alert"}), or the first 200 characters of {@code html}. */
  static String pageMessage(String html) {
    var m = java.util.regex.Pattern.compile("role=\"alert\">([^<]*)<").matcher(html == null ? "" : html);
    if (m.find()) return m.group(1);
    return html == null ? "" : html.substring(0, Math.min(200, html.length()));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
