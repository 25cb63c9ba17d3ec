package dev.gpuhub.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.server.hub.auth.UserAccounts;
import dev.gpuhub.server.hub.web.SpawnRoutes;
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
  void theSpawnPageShowsNoTextFromItsAddress() throws Exception {
    CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
    tokenOf("mallory");
    browser.send(HttpRequest.newBuilder(URI.create(hub + "/hub/login")).build(), HttpResponse.BodyHandlers.discarding());
    String xsrf = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("_xsrf")).findFirst().orElseThrow().getValue();
    HttpResponse<String> in = browser.send(HttpRequest.newBuilder(URI.create(hub + "/hub/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("username=mallory&password=password-mallory&_xsrf=" + xsrf)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(in.statusCode()).isEqualTo(302);
    String session = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("_xsrf")).findFirst().orElseThrow().getValue();
    String lure = "Your session expired: call the help desk at 555-0100";
    HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(hub + "/hub/spawn?error="
        + URLEncoder.encode(lure, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).doesNotContain("555-0100");
    HttpResponse<String> bad = browser.send(HttpRequest.newBuilder(URI.create(hub + "/hub/spawn"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("profile=single-cpu&node_count=many&_xsrf=" + session)).build(),
        HttpResponse.BodyHandlers.ofString());
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
      assertThat(call(alice, "POST", "/hub/api/users/alice/server", null).statusCode()).isEqualTo(202);

      List<CompletableFuture<HttpResponse<java.io.InputStream>>> open = new ArrayList<>();
      for (int i = 0; i < SpawnRoutes.STREAMS_PER_USER; i++) {
        open.add(http.sendAsync(HttpRequest.newBuilder(URI.create(hub + "/hub/api/users/alice/server/progress"))
            .header("Authorization", "token " + alice).build(), HttpResponse.BodyHandlers.ofInputStream()));
      }
      for (var f : open) assertThat(f.get().statusCode()).isEqualTo(200);
      int refused = 0;
      for (int i = 0; i < 40; i++) {
        HttpResponse<String> more = call(alice, "GET", "/hub/api/users/alice/server/progress", null);
        assertThat(more.statusCode()).isEqualTo(429);
        assertThat(more.body()).contains("\"error\"", "too many open progress streams");
        refused++;
      }
      long t0 = System.nanoTime();
      HttpResponse<String> bobLogsIn = http.send(HttpRequest.newBuilder(URI.create(hub + "/hub/api/users/bob"))
          .header("Authorization", "token " + tokenOf("bob")).build(), HttpResponse.BodyHandlers.ofString());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("alice holds " + SpawnRoutes.STREAMS_PER_USER + " progress streams, " + refused
          + " more refused; bob's request took " + ms + " ms");
      assertThat(bobLogsIn.statusCode()).isEqualTo(200);

      // stopping the pending server ends every stream with a final event
      assertThat(call(alice, "DELETE", "/hub/api/users/alice/server", null).statusCode()).isIn(202, 204);
      for (var f : open) {
        String body = new String(f.get().body().readAllBytes(), StandardCharsets.UTF_8);
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
    CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
    browser.send(HttpRequest.newBuilder(URI.create(hub + "/hub/signup")).build(), HttpResponse.BodyHandlers.discarding());
    String xsrf = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("_xsrf")).findFirst().orElseThrow().getValue();
    HttpResponse<String> r = browser.send(HttpRequest.newBuilder(URI.create(hub + "/hub/signup"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("username=boss&password=password-123&password_confirmation=password-123&_xsrf="
            + xsrf)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(server.plane.stores().hub().findUser("boss")).isEmpty();
    assertThat(dataDir.resolve("admin-setup-secret")).exists();
  }

  @Test
  void signUpsFromOneAddressAreLimited() throws IOException, InterruptedException {
    int answered429 = 0;
    for (int i = 0; i < 12; i++) {
      CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
      HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
      browser.send(HttpRequest.newBuilder(URI.create(hub + "/hub/signup")).build(), HttpResponse.BodyHandlers.discarding());
      String xsrf = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("_xsrf")).findFirst().orElseThrow().getValue();
      HttpResponse<String> r = browser.send(HttpRequest.newBuilder(URI.create(hub + "/hub/signup"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("username=spam" + i + "&password=password-123&password_confirmation=password-123&_xsrf="
              + xsrf)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 429) answered429++;
      else assertThat(r.statusCode()).isEqualTo(302);
    }
    assertThat(answered429).isEqualTo(2);
    assertThat(server.plane.stores().hub().users()).hasSize(10);
  }
}
