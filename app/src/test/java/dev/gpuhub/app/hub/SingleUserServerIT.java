package dev.gpuhub.app.hub;

import static dev.gpuhub.app.hub.HubClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.HttpCookie;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default image's {@code jupyterhub-singleuser} (Debian's JupyterHub 3.0: a client nobody here
 * wrote) against the hub, on a real dockerd: the browser gets into its server by JupyterHub's OAuth
 * with no token added by the proxy; from inside a kernel, the server's {@code JUPYTERHUB_API_TOKEN}
 * names its user and reaches nothing else; another user's server refuses that token itself; the
 * server's activity reports keep a busy server alive while an idle one is culled.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SingleUserServerIT {
  static final Duration IDLE = Duration.ofSeconds(40);
  @TempDir static Path dir;
  static HubFixture hub;
  static HubClient alice;
  static HubClient bob;

  @BeforeAll
  static void start() throws Exception {
    hub = new HubFixture(dir, Map.of("GPUHUB_NOTEBOOK_COMMAND", "singleuser",
        "GPUHUB_IDLE_TIMEOUT_SECONDS", Long.toString(IDLE.toSeconds()), "GPUHUB_CULL_INTERVAL_SECONDS", "5"));
    alice = new HubClient(hub.hubUrl);
    bob = new HubClient(hub.hubUrl);
    assertThat(alice.signUpAndLogIn("alice", "alice-password").statusCode()).isEqualTo(302);
    assertThat(bob.signUpAndLogIn("bob", "bob-password").statusCode()).isEqualTo(302);
    for (HubClient c : new HubClient[] {alice, bob}) {
      String name = c == alice ? "alice" : "bob";
      HttpResponse<String> spawn = c.api("POST", "/hub/api/users/" + name + "/server", "{\"profile\":\"single-cpu\"}");
      assertThat(spawn.statusCode()).as(spawn.body()).isEqualTo(202);
    }
    assertThat(HubEndToEndIT.followProgress(alice, "alice").path("ready").asBoolean()).isTrue();
    assertThat(HubEndToEndIT.followProgress(bob, "bob").path("ready").asBoolean()).isTrue();
  }

  @AfterAll
  static void stop() {
    if (alice != null) alice.api("DELETE", "/hub/api/users/alice/server", null);
    if (bob != null) bob.api("DELETE", "/hub/api/users/bob/server", null);
    if (hub != null) hub.close();
  }

  private static String env(String container) {
    return hub.dockerd.docker("inspect", "-f", "{{json .Config.Env}}", container);
  }

  @Test
  @Order(1)
  void theBrowserGetsInByOAuthAndTheProxyAddsNoToken() {
    HttpResponse<String> tree = alice.browse("/user/alice/tree");
    assertThat(tree.statusCode()).as(tree.body()).isEqualTo(200);
    assertThat(tree.body()).contains("notebook_list");
    assertThat(alice.cookies.getCookieStore().getCookies()).extracting(HttpCookie::getName)
        .as("the server's own OAuth cookie").contains("jupyterhub-user-alice");
    assertThat(env("gpuhub-alice")).contains("JUPYTERHUB_API_TOKEN=", "JUPYTERHUB_CLIENT_ID=jupyterhub-user-alice",
        "JUPYTERHUB_SERVICE_PREFIX=/user/alice/", "JUPYTERHUB_OAUTH_CALLBACK_URL=/user/alice/oauth_callback")
        .doesNotContain("JUPYTER_TOKEN=");
    // before OAuth, the server itself sends the browser to the hub's authorize endpoint
    HttpResponse<String> first = new HubClient(hub.hubUrl).get("/user/alice/tree");
    assertThat(first.statusCode()).as("anonymous at alice's server: the hub's login").isEqualTo(302);
    HubClient aliceAgain = new HubClient(hub.hubUrl);
    aliceAgain.get("/hub/login");
    aliceAgain.form("/hub/login", Map.of("username", "alice", "password", "alice-password"));
    HttpResponse<String> toAuthorize = aliceAgain.get("/user/alice/tree");
    assertThat(toAuthorize.statusCode()).isEqualTo(302);
    assertThat(toAuthorize.headers().firstValue("Location").orElseThrow())
        .as("the server's own redirect to JupyterHub's OAuth").contains("/hub/api/oauth2/authorize?client_id=jupyterhub-user-alice");
    HttpResponse<String> other = bob.browse("/user/alice/tree");
    assertThat(other.statusCode()).as("bob at alice's server").isEqualTo(403);
  }

  @Test
  @Order(2)
  void insideAKernelTheServersTokenNamesItsUserAndReachesNothingElse() throws Exception {
    alice.browse("/user/alice/tree");
    HttpResponse<String> k = alice.serverApi("alice", "POST", "/user/alice/api/kernels", "{\"name\":\"python3\"}");
    assertThat(k.statusCode()).as(k.body()).isEqualTo(201);
    String kernel = json(k).path("id").asText();
    var bobServer = hub.plane.hub().spawner().server("bob").orElseThrow().snapshot();
    HttpResponse<String> bobToken = bob.api("POST", "/hub/api/users/bob/tokens", "{\"note\": \"control\"}");
    String bobsOwn = json(bobToken).path("token").asText();
    String direct = "https://" + bobServer.nodeIp() + ":" + bobServer.port() + "/user/bob/api/contents";
    String code = String.join("\n",
        "import os, json, ssl, urllib.request, urllib.error",
        "api = os.environ['JUPYTERHUB_API_URL']; tok = os.environ['JUPYTERHUB_API_TOKEN']",
        "ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE",
        "def get(url, token):",
        "    req = urllib.request.Request(url, headers={'Authorization': 'token ' + token})",
        "    try:",
        "        with urllib.request.urlopen(req, timeout=15, context=ctx) as r: return [r.status, r.read().decode()[:300]]",
        "    except urllib.error.HTTPError as e: return [e.code, '']",
        "    except Exception as e: return [0, repr(e)]",
        "print(json.dumps({'me': get(api + '/user', tok), 'users': get(api + '/users', tok),",
        "  'bob': get(api + '/users/bob', tok), 'mint': get(api + '/users/alice/tokens', tok),",
        "  'bob_via_hub': get('" + hub.hubUrl + "/user/bob/api/contents', tok),",
        "  'bob_direct': get('" + direct + "', tok),",
        "  'bob_direct_own_token': get('" + direct + "', '" + bobsOwn + "')}))");
    String ws = hub.hubUrl.replace("http://", "ws://") + "/user/alice/api/kernels/" + kernel + "/channels";
    String out = Kernels.execute(alice, ws, code);
    System.out.println("SingleUserServerIT: from alice's kernel: " + out.strip());
    JsonNode r = dev.gpuhub.wire.WireJson.mapper().readTree(out);
    assertThat(r.path("me").get(0).asInt()).isEqualTo(200);
    assertThat(nameIn(r.path("me").get(1).asText())).isEqualTo("alice");
    assertThat(r.path("users").get(0).asInt()).isEqualTo(403);
    assertThat(r.path("bob").get(0).asInt()).isEqualTo(403);
    assertThat(r.path("mint").get(0).asInt()).isEqualTo(403);
    assertThat(r.path("bob_via_hub").get(0).asInt()).isEqualTo(403);
    assertThat(r.path("bob_direct").get(0).asInt()).as("bob's server itself refuses alice's token").isEqualTo(403);
    assertThat(r.path("bob_direct_own_token").get(0).asInt()).as("control: bob's own token opens it").isEqualTo(200);
  }

  /** The {@code name} of a user model written as the start of a JSON text (the kernel prints 300 characters at most). */
  private static String nameIn(String start) {
    int at = start.indexOf("\"name\"");
    int from = start.indexOf('"', start.indexOf(':', at) + 1) + 1;
    return start.substring(from, start.indexOf('"', from));
  }

  @Test
  @Order(3)
  void aBusyKernelKeepsItsServerByActivityReportsAnIdleServerIsCulled() throws Exception {
    HttpResponse<String> k = alice.serverApi("alice", "POST", "/user/alice/api/kernels", "{\"name\":\"python3\"}");
    assertThat(k.statusCode()).as(k.body()).isEqualTo(201);
    String ws = hub.hubUrl.replace("http://", "ws://") + "/user/alice/api/kernels/" + json(k).path("id").asText() + "/channels";
    // prints every 2 s for 100 s; the WebSocket is closed once the first line is out, so nothing goes through the proxy
    Kernels.execute(alice, ws, "import time\nfor i in range(50):\n    print(i, flush=True)\n    time.sleep(2)");
    Instant quiet = Instant.now();
    Instant deadline = quiet.plus(IDLE).plusSeconds(30);
    while (Instant.now().isBefore(deadline) && hub.plane.hub().spawner().server("bob").map(s -> s.snapshot().state().isActive()).orElse(false)) {
      HubFixture.sleep(1000);
    }
    assertThat(hub.plane.hub().spawner().server("bob").map(s -> s.snapshot().state().isActive()).orElse(false))
        .as("bob's idle server is culled").isFalse();
    // past the idle timeout (and two cull passes) since alice's last proxied request
    Instant past = quiet.plus(IDLE).plusSeconds(12);
    while (Instant.now().isBefore(past)) HubFixture.sleep(1000);
    assertThat(hub.plane.hub().spawner().server("alice").orElseThrow().snapshot().state().isActive())
        .as("alice's busy server is kept").isTrue();
    Instant last = hub.plane.hub().routes().lastActivity(dev.gpuhub.core.hub.ServerId.defaultOf("alice")).orElseThrow();
    System.out.println("SingleUserServerIT: last activity of alice " + Duration.between(last, Instant.now()).toSeconds()
        + " s ago, last proxied request " + Duration.between(quiet, Instant.now()).toSeconds() + " s ago");
    assertThat(last).as("reported by the server, after the last proxied request").isAfter(quiet);
  }

  @Test
  @Order(4)
  void anImageDeclaredWithACommandTemplateStartsThatWayBesideSingleUserServers() throws Exception {
    String plain = "lab/plain-notebook:1";
    hub.dockerd.docker("tag", hub.image, plain);
    hub.plane.stores().hub().createImage(new dev.gpuhub.core.profile.ImageChoice(hub.image, "Notebook", List.of(), List.of()));
    hub.plane.stores().hub().createImage(new dev.gpuhub.core.profile.ImageChoice(plain, "Plain notebook", List.of(), List.of(),
        dev.gpuhub.server.hub.spawn.SpawnerConfig.PLAIN_HTTP_COMMAND));
    HubClient carol = new HubClient(hub.hubUrl);
    assertThat(carol.signUpAndLogIn("carol", "carol-password").statusCode()).isEqualTo(302);
    HttpResponse<String> spawn = carol.api("POST", "/hub/api/users/carol/server",
        "{\"profile\":\"single-cpu\",\"image\":\"" + plain + "\"}");
    assertThat(spawn.statusCode()).as(spawn.body()).isEqualTo(202);
    assertThat(HubEndToEndIT.followProgress(carol, "carol").path("ready").asBoolean()).isTrue();
    // today's mode: Notebook 6 from the template over plain HTTP, its token added by the proxy
    assertThat(env("gpuhub-carol")).contains("JUPYTER_TOKEN=").doesNotContain("JUPYTERHUB_API_TOKEN=");
    assertThat(hub.dockerd.docker("inspect", "-f", "{{json .Args}}", "gpuhub-carol")).contains("--NotebookApp.base_url=/user/carol/");
    var route = hub.plane.hub().routes().get("carol").orElseThrow();
    assertThat(route.addsToken()).isTrue();
    assertThat(route.tls()).as("the template names no certificate: plain HTTP to it, HTTPS to the others").isFalse();
    assertThat(hub.plane.hub().routes().get("alice").orElseThrow().tls()).isTrue();
    assertThat(carol.getJson("/user/carol/api/status").statusCode()).isEqualTo(200);
    assertThat(carol.browse("/user/carol/tree").body()).contains("notebook_list");
    assertThat(bob.getJson("/user/carol/api/status").statusCode()).isEqualTo(403);
    assertThat(carol.api("DELETE", "/hub/api/users/carol/server", null).statusCode()).isEqualTo(204);
  }
}
