package dev.gpuhub.server.hub.auth;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** An HTTP client with a cookie jar that does not follow redirects, like a browser a test drives. */
final class Browser {
  final CookieManager jar = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final String base;
  private final HttpClient http;

  Browser(String base) {
    this.base = base;
    this.http = HttpClient.newBuilder().cookieHandler(jar).connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  HttpResponse<String> get(String path) {
    return AuthApp.send(http, request(path).GET().build());
  }

  /** A url-encoded form POST with exactly these fields. */
  HttpResponse<String> postForm(String path, Map<String, String> fields) {
    String body = fields.entrySet().stream()
        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
    return AuthApp.send(http, request(path).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  /** A form POST with the {@code _xsrf} cookie's value added as field {@code _xsrf} (loading /hub/login first if needed). */
  HttpResponse<String> submit(String path, Map<String, String> fields) {
    Map<String, String> all = new LinkedHashMap<>(fields);
    all.put("_xsrf", xsrf());
    return postForm(path, all);
  }

  /** A multipart/form-data POST with these fields. */
  HttpResponse<String> postMultipart(String path, Map<String, String> fields) {
    String boundary = "gpuhubTestBoundary7MA4YWxkTrZu0gW";
    StringBuilder body = new StringBuilder();
    fields.forEach((k, v) -> body.append("--").append(boundary).append("\r\n")
        .append("Content-Disposition: form-data; name=\"").append(k).append("\"\r\n\r\n")
        .append(v).append("\r\n"));
    body.append("--").append(boundary).append("--\r\n");
    return AuthApp.send(http, request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
  }

  /** A JSON request carrying this jar's cookies, with {@code X-XSRFToken} when {@code xsrfHeader}. */
  HttpResponse<String> json(String method, String path, String json, boolean xsrfHeader) {
    HttpRequest.Builder b = request(path).header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (xsrfHeader) b.header("X-XSRFToken", xsrf());
    return AuthApp.send(http, b.build());
  }

  /** The {@code _xsrf} cookie, loading the login page first when the jar has none. */
  String xsrf() {
    String value = cookie("_xsrf");
    if (value == null) {
      get("/hub/login");
      value = cookie("_xsrf");
    }
    return value;
  }

  /** The jar's cookie of this name (any path), or null. */
  String cookie(String name) {
    List<HttpCookie> all = jar.getCookieStore().getCookies();
    return all.stream().filter(c -> c.getName().equals(name)).map(HttpCookie::getValue).findFirst().orElse(null);
  }

  /** Signs up (302 expected) and stays logged in. */
  HttpResponse<String> signUp(String name, String password) {
    return submit("/hub/signup", Map.of("username", name, "password", password,
        "password_confirmation", password));
  }

  HttpResponse<String> logIn(String name, String password) {
    return submit("/hub/login", Map.of("username", name, "password", password));
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
