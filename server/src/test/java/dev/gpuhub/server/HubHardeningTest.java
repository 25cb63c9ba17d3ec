package dev.gpuhub.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.server.hub.auth.UserAccounts;
import dev.gpuhub.server.hub.web.ProgressStreams;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub's web-facing side against one user trying to take it down or to act as someone else. */
class HubHardeningTest {
  @TempDir Path dataDir;
  private RunningServer server;
  private String hub;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeEach
  void start() {
    server = RunningServer.embedded(dataDir, Map.of("GPUHUB_ADMIN_USERS", "boss", "GPUHUB_JOB_MAX_ACTIVE_PER_USER", "3",
        "GPUHUB_JOB_IMAGES", "trainer:1"));
    hub = server.plane.hub().url();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** A browser: its own cookies; forms carry the current _xsrf cookie's value. */
  private final class Browser {
    final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
      return http.send(HttpRequest.newBuilder(URI.create(hub + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs {@code form} and the _xsrf field (loading the sign-up page first for a cookie when there is none). */
    HttpResponse<String> post(String path, String form) throws IOException, InterruptedException {
      if (xsrf() == null) get("/hub/signup");
      return http.send(HttpRequest.newBuilder(URI.create(hub + path)).header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(form + "&_xsrf=" + xsrf())).build(), HttpResponse.BodyHandlers.ofString());
    }

    String xsrf() {
      return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("_xsrf")).findFirst()
          .map(java.net.HttpCookie::getValue).orElse(null);
    }
  }

  /** A GET over a new socket with {@code Connection: close}, read to the end (at most 20 s): the whole answer. */
  private static String rawGet(URI uri, String token) throws IOException {
    try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(("GET " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
          + "\r\nAuthorization: token " + token + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private String tokenOf(String user) {
    UserAccounts accounts = server.plane.hub().auth().accounts();
    return accounts.createToken(accounts.find(user).orElseGet(() -> accounts.create(user, "password-" + user, false)),
        "test", null).token();
  }

  private HttpResponse<String> call(String token, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub + path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) b.header("Authorization", "token " + token);
    if (body != null) b.header("Content-Type", "application/json");
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aCaseVariantOfANameIsNoOneSoItGetsNoSecondServer() throws Exception {
    String alice = tokenOf("alice");
    for (String variant : new String[] {"ALICE", "Alice", "aLICE"}) {
      HttpResponse<String> spawn = call(alice, "POST", "/hub/api/users/" + variant + "/server", null);
      assertThat(spawn.statusCode()).as("spawn as %s: %s", variant, spawn.body()).isEqualTo(404);
      assertThat(spawn.body()).contains("lower case");
      assertThat(call(alice, "GET", "/hub/api/users/" + variant, null).statusCode()).isEqualTo(404);
    }
    assertThat(server.plane.hub().spawner().server("ALICE")).isEmpty();
    assertThat(call(alice, "GET", "/hub/api/users/alice", null).statusCode()).isEqualTo(200);
  }

  @Test
  void hubAnswersForbidFramingAndSniffing() throws Exception {
    for (String path : new String[] {"/hub/login", "/hub/api/users/alice"}) {
      HttpResponse<String> r = call(null, "GET", path, null);
      assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).hasValueSatisfying(
          csp -> assertThat(csp).contains("frame-ancestors 'none'", "default-src 'self'", "object-src 'none'"));
      assertThat(r.headers().firstValue("X-Frame-Options")).as(path).contains("DENY");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
      assertThat(r.headers().firstValue("Referrer-Policy")).as(path).contains("same-origin");
    }
  }

  @Test
  void hubPagesCarryNoJavaScriptInAttributes() throws Exception {
    var accounts = server.plane.hub().auth().accounts();
    String admin = accounts.createToken(accounts.create("chief", "password-chief", true), "test", null).token();
    tokenOf("dave");
    call(admin, "POST", "/hub/api/jobs", "{\"image\":\"trainer:1\",\"command\":[\"python3\",\"t.py\"],\"min_gpus\":1,"
        + "\"max_gpus\":1,\"initial_batch_size\":256}");
    java.util.regex.Pattern handler = java.util.regex.Pattern.compile("\\son[a-z]+\\s*=", java.util.regex.Pattern.CASE_INSENSITIVE);
    for (String page : new String[] {"/hub/admin", "/hub/jobs", "/hub/services", "/hub/home", "/hub/spawn"}) {
      HttpResponse<String> r = call(admin, "GET", page, null);
      assertThat(r.statusCode()).as(page).isEqualTo(200);
      assertThat(handler.matcher(r.body()).find()).as("an on...= attribute in %s", page).isFalse();
    }
  }

  @Test
  void theSpawnPageShowsNoTextFromItsAddress() throws Exception {
    Browser browser = new Browser();
    tokenOf("mallory");
    assertThat(browser.post("/hub/login", "username=mallory&password=password-mallory").statusCode()).isEqualTo(302);
    String lure = "Your session expired: call the help desk at 555-0100";
    HttpResponse<String> page = browser.get("/hub/spawn?error=" + URLEncoder.encode(lure, StandardCharsets.UTF_8));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).doesNotContain("555-0100");
    HttpResponse<String> bad = browser.post("/hub/spawn", "profile=single-cpu&node_count=many");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("node count must be a whole number");
  }

  @Test
  void oneUsersProgressStreamsCannotHoldTheHubsThreads() throws Exception {
    // a node whose agent accepts connections and never answers: alice's spawn stays pending
    try (ServerSocket silentAgent = new ServerSocket(0)) {
      String report = Payloads.heartbeat("slow-node", 1, 1, 0, 0).replace("\"hostname\"",
          "\"agent_port\":" + silentAgent.getLocalPort() + ",\"hostname\"");
      assertThat(server.post("/register-node", report).statusCode()).isEqualTo(200);
      String alice = tokenOf("alice");
      tokenOf("bob");
      long alone0 = System.nanoTime();
      assertThat(new Browser().post("/hub/login", "username=bob&password=password-bob").statusCode()).isEqualTo(302);
      long aloneMs = (System.nanoTime() - alone0) / 1_000_000;
      assertThat(call(alice, "POST", "/hub/api/users/alice/server", null).statusCode()).isEqualTo(202);

      List<CompletableFuture<HttpResponse<java.io.InputStream>>> open = new ArrayList<>();
      for (int i = 0; i < ProgressStreams.PER_USER; i++) {
        open.add(http.sendAsync(HttpRequest.newBuilder(URI.create(hub + "/hub/api/users/alice/server/progress"))
            .header("Authorization", "token " + alice).build(), HttpResponse.BodyHandlers.ofInputStream()));
      }
      for (var f : open) assertThat(f.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      // the rest of 1,000 streams, from 32 connections at once, while another user logs in; sent over
      // plain sockets, which cost the shared 2 cores far less than an HTTP client library would
      var attackers = java.util.concurrent.Executors.newFixedThreadPool(32);
      long burst0 = System.nanoTime();
      List<java.util.concurrent.Future<String>> more = new ArrayList<>();
      URI progress = URI.create(hub + "/hub/api/users/alice/server/progress");
      for (int i = ProgressStreams.PER_USER; i < 1_000; i++) {
        more.add(attackers.submit(() -> rawGet(progress, alice)));
      }
      long t0 = System.nanoTime();
      HttpResponse<String> bobLogsIn = new Browser().post("/hub/login", "username=bob&password=password-bob");
      long loginMs = (System.nanoTime() - t0) / 1_000_000;
      int refused = 0;
      for (var f : more) {
        String r = f.get(60, TimeUnit.SECONDS); // an uncapped stream would stay open: the read times out
        assertThat(r).startsWith("HTTP/1.1 429").contains("\"error\"", "too many open progress streams");
        refused++;
      }
      attackers.shutdown();
      long burstMs = (System.nanoTime() - burst0) / 1_000_000;
      long after0 = System.nanoTime();
      assertThat(new Browser().post("/hub/login", "username=bob&password=password-bob").statusCode()).isEqualTo(302);
      long afterMs = (System.nanoTime() - after0) / 1_000_000;
      System.out.println("the 992 refusals took " + burstMs + " ms in all; with alice's 8 streams still open bob's next login took "
          + afterMs + " ms");
      System.out.println("alice holds " + ProgressStreams.PER_USER + " progress streams and asked for " + refused
          + " more from 32 connections (all 429); bob's login meanwhile took " + loginMs + " ms, " + aloneMs + " ms before the flood"
          + " (delay " + (loginMs - aloneMs) + " ms)");
      assertThat(bobLogsIn.statusCode()).isEqualTo(302);

      // stopping the pending server ends every stream with a final event
      assertThat(call(alice, "DELETE", "/hub/api/users/alice/server", null).statusCode()).isIn(202, 204);
      for (var f : open) {
        java.io.InputStream stream = f.get().body();
        String body = CompletableFuture.supplyAsync(() -> {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }).get(30, TimeUnit.SECONDS); // without a final event the stream would stay open
        assertThat(body).contains("\"failed\":true");
      }
      assertThat(call(alice, "GET", "/hub/api/users/alice/server/progress", null).statusCode())
          .as("the streams gave their places back").isEqualTo(200);
    }
  }

  @Test
  void jobsAreBoundedPerUserInSizeAndPagedWhenListed() throws Exception {
    String carol = tokenOf("carol");
    String job = "{\"image\":\"trainer:1\",\"command\":[\"python3\",\"train.py\"],\"min_gpus\":1,\"max_gpus\":1,"
        + "\"initial_batch_size\":256}";
    for (int i = 0; i < 3; i++) assertThat(call(carol, "POST", "/hub/api/jobs", job).statusCode()).isEqualTo(201);
    HttpResponse<String> fourth = call(carol, "POST", "/hub/api/jobs", job);
    assertThat(fourth.statusCode()).isEqualTo(429);
    assertThat(fourth.body()).contains("\"error\"", "GPUHUB_JOB_MAX_ACTIVE_PER_USER");

    String dave = tokenOf("dave");
    StringBuilder args = new StringBuilder("[\"python3\"");
    for (int i = 0; i < 5; i++) args.append(",\"").append("x".repeat(4000)).append('"');
    HttpResponse<String> tooLong = call(dave, "POST", "/hub/api/jobs",
        "{\"image\":\"trainer:1\",\"command\":" + args + "],\"min_gpus\":1,\"max_gpus\":1,\"initial_batch_size\":256}");
    assertThat(tooLong.statusCode()).as(tooLong.body()).isEqualTo(400);
    assertThat(tooLong.body()).contains("command", "16384");

    HttpResponse<String> page = call(carol, "GET", "/hub/api/jobs?offset=1&limit=1", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(RunningServer.json(page).size()).isEqualTo(1);
    assertThat(page.headers().firstValue("X-Total-Count")).contains("3");
    assertThat(call(carol, "GET", "/hub/api/jobs?limit=0", null).statusCode()).isEqualTo(400);
    assertThat(call(carol, "GET", "/hub/api/jobs?offset=-1", null).body()).contains("offset");
  }

  @Test
  void anonymousSignUpAsTheAdminNameIsRefusedAndStoresNothing() throws Exception {
    HttpResponse<String> r = new Browser().post("/hub/signup",
        "username=boss&password=password-123&password_confirmation=password-123");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(server.plane.stores().hub().findUser("boss")).isEmpty();
    assertThat(dataDir.resolve("admin-setup-secret")).exists();
  }

  @Test
  void signUpsFromOneAddressAreLimited() throws IOException, InterruptedException {
    int answered429 = 0;
    for (int i = 0; i < 12; i++) {
      HttpResponse<String> r = new Browser().post("/hub/signup",
          "username=spam" + i + "&password=password-123&password_confirmation=password-123");
      if (r.statusCode() == 429) answered429++;
      else assertThat(r.statusCode()).isEqualTo(302);
    }
    assertThat(answered429).isEqualTo(2);
    assertThat(server.plane.stores().hub().users()).hasSize(10);
  }
}
