package dev.gpuhub.bench;

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

/**
 * A browser on the hub's pages: its own cookies, the {@code _xsrf} field on every form, no
 * redirects followed. Each request waits at most the timeout given at construction.
 */
public final class HubBrowser {
  private final String base;
  private final Duration timeout;
  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient http;

  /** A browser on the hub at {@code base} ({@code http://host:port}) whose requests wait 60 s at most. */
  public HubBrowser(String base) {
    this(base, Duration.ofSeconds(60));
  }

  public HubBrowser(String base, Duration timeout) {
    this.base = base;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(timeout).build();
  }

  /** Loads the login page and returns the {@code _xsrf} cookie it set. */
  public String xsrf() throws Exception {
    http.send(HttpRequest.newBuilder(URI.create(base + "/hub/login")).timeout(timeout).build(),
        HttpResponse.BodyHandlers.discarding());
    return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("_xsrf"))
        .map(HttpCookie::getValue).findFirst().orElseThrow(() -> new IllegalStateException("the login page set no _xsrf"));
  }

  /** Submits the sign-up form; returns the status (302 on success). */
  public int signUp(String user, String password) throws Exception {
    return post("/hub/signup", "username=" + enc(user) + "&password=" + enc(password) + "&password_confirmation="
        + enc(password));
  }

  /** Submits the sign-up form of an administrator named in the hub's configuration, with its one-time setup secret. */
  public int signUpAdmin(String user, String password, String setupSecret) throws Exception {
    return post("/hub/signup", "username=" + enc(user) + "&password=" + enc(password) + "&password_confirmation="
        + enc(password) + "&admin_secret=" + enc(setupSecret));
  }

  /** Submits the login form; returns the status (302 on success). */
  public int logIn(String user, String password) throws Exception {
    return post("/hub/login", "username=" + enc(user) + "&password=" + enc(password));
  }

  /** Makes an API token for the logged-in {@code user} ({@code POST /hub/api/users/<user>/tokens}) and returns it. */
  public String token(String user) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/hub/api/users/" + user + "/tokens"))
        .timeout(timeout).header("Content-Type", "application/json").header("X-XSRFToken", xsrf())
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    var m = java.util.regex.Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
    if (!m.find()) throw new IllegalStateException("no token in " + r.statusCode() + " " + r.body());
    return m.group(1);
  }

  private int post(String path, String form) throws Exception {
    String xsrf = xsrf();
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form + "&_xsrf=" + enc(xsrf))).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
