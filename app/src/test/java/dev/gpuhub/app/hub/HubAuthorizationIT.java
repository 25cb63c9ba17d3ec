package dev.gpuhub.app.hub;

import static dev.gpuhub.app.hub.HubClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may do what: every hub route and the proxy, for anonymous / another user / the owner /
 * an admin, with alice's server running. User B never reaches user A's server, by HTTP or WebSocket.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class HubAuthorizationIT {
  @TempDir static Path dir;
  static HubFixture hub;
  static HubClient anonymous;
  static HubClient alice;
  static HubClient bob;
  static HubClient admin;
  static String kernel;

  @BeforeAll
  static void start() throws Exception {
    hub = new HubFixture(dir, Map.of());
    anonymous = new HubClient(hub.hubUrl);
    anonymous.get("/hub/login");
    alice = new HubClient(hub.hubUrl);
    assertThat(alice.signUpAndLogIn("alice", "alice-password").statusCode()).isEqualTo(302);
    bob = new HubClient(hub.hubUrl);
    assertThat(bob.signUpAndLogIn("bob", "bob-password").statusCode()).isEqualTo(302);
    admin = new HubClient(hub.hubUrl);
    assertThat(admin.signUpAndLogIn("admin", "admin-password", hub.adminSecret()).statusCode()).isEqualTo(302);
    assertThat(alice.api("POST", "/hub/api/users/alice/server", "{\"profile\":\"single-cpu\"}").statusCode()).isEqualTo(202);
    assertThat(HubEndToEndIT.followProgress(alice, "alice").path("ready").asBoolean()).isTrue();
    HttpResponse<String> k = alice.api("POST", "/user/alice/api/kernels", "{\"name\":\"python3\"}");
    assertThat(k.statusCode()).as(k.body()).isEqualTo(201);
    kernel = json(k).path("id").asText();
  }

  @AfterAll
  static void stop() {
    if (alice != null) alice.api("DELETE", "/hub/api/users/alice/server", null); // leave the shared dockerd empty
    if (hub != null) hub.close();
  }

  /** Expected statuses for anonymous, bob (other user), alice (owner), admin. */
  private record Case(String method, String path, boolean html, int anon, int other, int owner, int adm) {}

  private static int call(HubClient c, Case k) {
    if (k.method().equals("GET")) return (k.html() ? c.get(k.path()) : c.getJson(k.path())).statusCode();
    return c.api(k.method(), k.path(), k.method().equals("POST") ? "{}" : null).statusCode();
  }

  @Test
  @org.junit.jupiter.api.Order(1) // before any admin opens alice's server
  void everyRouteAnswersEachKindOfCallerAsItShould() {
    List<Case> cases = List.of(
        new Case("GET", "/hub/home", true, 302, 200, 200, 200),
        new Case("GET", "/hub/spawn", true, 302, 200, 302, 200),
        new Case("GET", "/hub/admin", true, 302, 403, 403, 200),
        new Case("GET", "/hub/spawn-pending/alice", true, 302, 403, 302, 302),
        new Case("GET", "/hub/api/users", false, 403, 403, 403, 200),
        new Case("GET", "/hub/api/users/alice", false, 403, 403, 200, 200),
        new Case("GET", "/hub/api/users/alice/server", false, 403, 403, 200, 200),
        new Case("POST", "/hub/api/users/alice/server", false, 403, 403, 201, 201),
        new Case("GET", "/hub/api/nodes", false, 403, 200, 200, 200),
        // an admin uses another user's server only after opening it explicitly (logged)
        new Case("GET", "/user/alice/api/status", false, 403, 403, 200, 403),
        new Case("GET", "/user/alice/tree", true, 302, 403, 200, 302),
        new Case("POST", "/user/alice/api/contents", false, 403, 403, 201, 403),
        new Case("GET", "/hub/admin/access/alice", true, 302, 403, 403, 200),
        new Case("GET", "/hub/api/homes", false, 403, 403, 403, 200),
        new Case("GET", "/hub/api/users/alice/home", false, 403, 403, 200, 200),
        // only an administrator may delete a home, and only with the confirmation (none here: 400, nothing removed)
        new Case("DELETE", "/hub/api/homes/alice", false, 403, 403, 403, 400),
        new Case("GET", "/hub/api/data-mounts", false, 403, 403, 403, 200),
        new Case("POST", "/hub/api/data-mounts", false, 403, 403, 403, 400),
        new Case("DELETE", "/hub/api/data-mounts/none", false, 403, 403, 403, 404),
        // JupyterHub's protocol: the API's version to anyone; who am I; activity (needs users:activity
        // for the user: bob 403, alice and admin reach the body check, 400); OAuth without parameters
        new Case("GET", "/hub/api/", false, 200, 200, 200, 200),
        new Case("GET", "/hub/api/user", false, 403, 200, 200, 200),
        new Case("POST", "/hub/api/users/alice/activity", false, 403, 403, 400, 400),
        new Case("GET", "/hub/api/oauth2/authorize", true, 302, 400, 400, 400),
        new Case("POST", "/hub/api/oauth2/token", false, 400, 400, 400, 400),
        new Case("GET", "/hub/metrics", true, 302, 403, 403, 200),
        new Case("GET", "/hub/api/groups", false, 403, 403, 403, 200),
        new Case("POST", "/hub/api/groups/matrix", false, 403, 403, 403, 201),
        new Case("POST", "/hub/api/groups/matrix/users", false, 403, 403, 403, 400),
        new Case("DELETE", "/hub/api/groups/none", false, 403, 403, 403, 404),
        // quotas and usage: admins set quotas and read everyone's usage; a user reads only their own
        new Case("GET", "/hub/api/quotas", false, 403, 403, 403, 200),
        new Case("PUT", "/hub/api/quotas/users/alice", false, 403, 403, 403, 400),
        new Case("DELETE", "/hub/api/quotas/groups/matrix", false, 403, 403, 403, 404),
        new Case("GET", "/hub/api/users/alice/usage", false, 403, 403, 200, 200),
        new Case("GET", "/hub/api/usage", false, 403, 403, 403, 200),
        new Case("GET", "/hub/api/usage.csv", false, 403, 403, 403, 200),
        // profiles and images: admins only (empty bodies are 400 for them: nothing is made)
        new Case("GET", "/hub/api/profiles", false, 403, 403, 403, 200),
        new Case("POST", "/hub/api/profiles", false, 403, 403, 403, 400),
        new Case("PATCH", "/hub/api/profiles/single-cpu", false, 403, 403, 403, 400),
        new Case("GET", "/hub/api/images", false, 403, 403, 403, 200),
        new Case("POST", "/hub/api/images", false, 403, 403, 403, 400),
        new Case("DELETE", "/hub/api/images/lab/none:1", false, 403, 403, 403, 404),
        // named servers: the same guards as the default server's routes, the name checked after them
        new Case("GET", "/hub/api/users/alice/servers/none", false, 403, 403, 404, 404),
        new Case("POST", "/hub/api/users/alice/servers/lab", false, 403, 403, 400, 400),
        new Case("GET", "/hub/api/users/alice/servers/none/progress", false, 403, 403, 200, 200),
        new Case("GET", "/hub/spawn/alice/gpu", true, 302, 403, 200, 200),
        new Case("GET", "/hub/spawn-pending/alice/gpu", true, 302, 403, 200, 200),
        new Case("GET", "/user/alice/gpu/api/status", false, 403, 403, 404, 403),
        new Case("DELETE", "/hub/api/users/alice/servers/none", false, 403, 403, 204, 204),
        new Case("DELETE", "/hub/api/users/alice/server", false, 403, 403, -1, -1));
    List<String> wrong = new ArrayList<>();
    for (Case k : cases) {
      check(wrong, k, "anonymous", call(anonymous, k), k.anon());
      check(wrong, k, "bob", call(bob, k), k.other());
      if (k.owner() > 0) check(wrong, k, "alice", call(alice, k), k.owner());
      if (k.adm() > 0) check(wrong, k, "admin", call(admin, k), k.adm());
    }
    assertThat(wrong).isEmpty();
    assertThat(hub.serverContainers()).containsExactly("gpuhub-alice"); // nobody else could stop it
  }

  @Test
  @org.junit.jupiter.api.Order(2)
  void anAdminOpensAUsersServerOnlyByAnExplicitStep() {
    assertThat(admin.get("/user/alice/tree").headers().firstValue("Location"))
        .contains("/hub/admin/access/alice?next=%2Fuser%2Falice%2Ftree");
    assertThat(bob.api("POST", "/hub/admin/access/alice", null).statusCode()).isEqualTo(403);
    HttpResponse<String> opened = admin.api("POST", "/hub/admin/access/alice", null);
    assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
    assertThat(opened.body()).contains("\"until\"");
    assertThat(admin.getJson("/user/alice/api/status").statusCode()).isEqualTo(200);
  }

  @Test
  @org.junit.jupiter.api.Order(4)
  void metricsCarryJupyterHubsNamesForAReadMetricsToken() {
    HttpResponse<String> made = admin.api("POST", "/hub/api/users/admin/tokens", "{\"scopes\": [\"read:metrics\"]}");
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    String token = json(made).path("token").asText();
    HttpResponse<String> scraped = anonymous.send(HttpRequest.newBuilder(URI.create(hub.hubUrl + "/hub/metrics"))
        .header("Authorization", "token " + token));
    assertThat(scraped.statusCode()).isEqualTo(200);
    System.out.println("HubAuthorizationIT: /hub/metrics has " + scraped.body().lines().filter(l -> !l.startsWith("#")).count() + " samples");
    assertThat(scraped.body()).contains("jupyterhub_total_users 3.0", "jupyterhub_running_servers 1.0",
        "jupyterhub_server_spawn_duration_seconds_count{status=\"success\"} 1", "jupyterhub_request_duration_seconds_bucket{",
        "handler=\"/hub/api/users/{name}\"", "gpuhub_queue_length 0.0", "gpuhub_gpus_held 0.0", "gpuhub_nodes_live 1.0",
        "gpuhub_server_placement_seconds_count 1");
    // that token reads metrics and nothing else; a user cannot make one
    assertThat(anonymous.send(HttpRequest.newBuilder(URI.create(hub.hubUrl + "/hub/api/users"))
        .header("Authorization", "token " + token)).statusCode()).isEqualTo(403);
    HttpResponse<String> refused = bob.api("POST", "/hub/api/users/bob/tokens", "{\"scopes\": [\"read:metrics\"]}");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("read:metrics");
  }

  @Test
  @org.junit.jupiter.api.Order(5)
  void aTokenReachesItsOwnersServerOnlyWithAccessServers() {
    HttpResponse<String> narrow = alice.api("POST", "/hub/api/users/alice/tokens", "{\"scopes\": [\"read:users!user=alice\"]}");
    assertThat(narrow.statusCode()).as(narrow.body()).isEqualTo(201);
    HttpResponse<String> access = alice.api("POST", "/hub/api/users/alice/tokens", "{\"scopes\": [\"access:servers!user=alice\"]}");
    assertThat(access.statusCode()).as(access.body()).isEqualTo(201);
    HttpResponse<String> full = alice.api("POST", "/hub/api/users/alice/tokens", "{}");
    assertThat(full.statusCode()).as(full.body()).isEqualTo(201);
    // a token that may only read alice's user model opens nothing of her server, whoever holds it
    assertThat(statusWithToken("/user/alice/api/status", json(narrow).path("token").asText())).isEqualTo(403);
    assertThat(statusWithToken("/hub/api/users/alice", json(narrow).path("token").asText())).isEqualTo(200);
    assertThat(statusWithToken("/user/alice/api/status", json(access).path("token").asText())).isEqualTo(200);
    assertThat(statusWithToken("/user/alice/api/status", json(full).path("token").asText())).isEqualTo(200);
    // an administrator's token without access:servers does not open alice's server, even once opened
    HttpResponse<String> adminNarrow = admin.api("POST", "/hub/api/users/admin/tokens", "{\"scopes\": [\"admin:users\"]}");
    assertThat(adminNarrow.statusCode()).as(adminNarrow.body()).isEqualTo(201);
    assertThat(statusWithToken("/user/alice/api/status", json(adminNarrow).path("token").asText())).isEqualTo(403);
  }

  private static int statusWithToken(String path, String token) {
    return anonymous.send(HttpRequest.newBuilder(URI.create(hub.hubUrl + path)).header("Accept", "application/json")
        .header("Authorization", "token " + token)).statusCode();
  }

  private static void check(List<String> wrong, Case k, String who, int got, int expected) {
    if (got != expected) wrong.add(k.method() + " " + k.path() + " as " + who + ": " + got + ", expected " + expected);
  }

  @Test
  @org.junit.jupiter.api.Order(3)
  void anotherUserCannotOpenTheOwnersKernelWebSocket() throws Exception {
    String ws = hub.hubUrl.replace("http://", "ws://") + "/user/alice/api/kernels/" + kernel + "/channels";
    assertThat(Kernels.execute(alice, ws, "print('mine')")).isEqualTo("mine\n");
    assertThat(admin.api("POST", "/hub/admin/access/alice", null).statusCode()).isEqualTo(200);
    assertThat(Kernels.execute(admin, ws, "print('admin')")).isEqualTo("admin\n");
    for (HubClient intruder : List.of(bob, anonymous)) {
      assertThatThrownBy(() -> intruder.http.newWebSocketBuilder().header("Cookie", intruder.cookieHeader())
          .buildAsync(URI.create(ws), new WebSocket.Listener() {}).get(10, TimeUnit.SECONDS))
          .hasStackTraceContaining("403");
    }
    HttpResponse<String> forged = bob.send(HttpRequest.newBuilder(URI.create(hub.hubUrl + "/user/alice/api/status"))
        .header("Authorization", "token " + hub.plane.hub().spawner().server("alice").get().snapshot().token()));
    assertThat(forged.statusCode()).as("a leaked server token does not open the proxy").isEqualTo(403);
  }
}
