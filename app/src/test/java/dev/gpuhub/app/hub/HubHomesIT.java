package dev.gpuhub.app.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.server.workload.Homes;
import dev.gpuhub.server.hub.spawn.ServerState;
import dev.gpuhub.wire.WireJson;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A student's files survive every way a server ends, on a real dockerd with the real notebook
 * image: a file saved through {@code /user/<name>/api/contents} reads back byte for byte after a
 * stop and start, a logout and login, a control-plane restart, an agent restart, an idle cull and
 * a move to a second node (its own dockerd), because it lives in the student's home volume, which
 * no container removal touches and which the hub moves, verified, when the server must go elsewhere.
 */
class HubHomesIT {
  /** Idle this long and the culler stops the server; long enough for the restarts in between. */
  static final int IDLE_SECONDS = 20;
  static final String NODE_2 = "node-2";
  @TempDir Path dir;

  @Test
  void aStudentsFileSurvivesStopLogoutRestartsAndTheIdleCuller() throws Exception {
    String user = "ida";
    String volume = Homes.volumeOf(user);
    try (HubFixture hub = new HubFixture(dir, Map.of("GPUHUB_IDLE_TIMEOUT_SECONDS", Integer.toString(IDLE_SECONDS),
        "GPUHUB_CULL_INTERVAL_SECONDS", "1"))) {
      try {
        HubClient ida = hub.userWithServer(user);
        byte[] content = new byte[64 * 1024];
        new SecureRandom().nextBytes(content);
        String expected = Base64.getEncoder().encodeToString(content);
        HttpResponse<String> saved = ida.api("PUT", "/user/" + user + "/api/contents/keep.bin",
            "{\"type\": \"file\", \"format\": \"base64\", \"content\": \"" + expected + "\"}");
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);
        assertKept(ida, user, expected, "as saved");
        HubFixture.assertConfined(hub.dockerd, "gpuhub-" + user);
        assertThat(hub.dockerd.docker("inspect", "-f", "{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}} {{.RW}}{{end}}",
            "gpuhub-" + user)).isEqualTo("volume " + volume + " /home/jovyan true");

        // 1. stop and start
        assertThat(ida.api("DELETE", "/hub/api/users/" + user + "/server", null).statusCode()).isEqualTo(204);
        assertThat(hub.serverContainers()).doesNotContain("gpuhub-" + user);
        assertThat(hub.dockerd.docker("volume", "ls", "-q", "--filter", "name=" + volume)).isEqualTo(volume);
        assertThat(hub.plane.hub().spawner().homePreference(user, 1)).as("where the next server goes first")
            .containsExactly(HubFixture.NODE);
        start(ida, user, hub);
        assertKept(ida, user, expected, "after a stop and a start");

        // 2. logout (which stops the server) and login
        ida.logOut();
        awaitState(hub, user, ServerState.STOPPED, Duration.ofSeconds(30));
        ida.get("/hub/login");
        assertThat(ida.form("/hub/login", Map.of("username", user, "password", user + "-password-1")).statusCode()).isEqualTo(302);
        start(ida, user, hub);
        assertKept(ida, user, expected, "after a logout and a login");

        // 3. the control plane restarts while the server runs (and the student logs in again)
        hub.restartControlPlane();
        ida = new HubClient(hub.hubUrl);
        ida.get("/hub/login");
        assertThat(ida.form("/hub/login", Map.of("username", user, "password", user + "-password-1")).statusCode()).isEqualTo(302);
        awaitRouted(ida, user);
        assertKept(ida, user, expected, "after a control-plane restart");

        // 4. the node's agent restarts
        hub.restartAgent();
        assertKept(ida, user, expected, "after an agent restart");

        // 5. nobody uses the server until the culler stops it
        awaitState(hub, user, ServerState.STOPPED, Duration.ofSeconds(IDLE_SECONDS + 30));
        start(ida, user, hub);
        assertKept(ida, user, expected, "after an idle cull");

        // 6. the server must go to a second node (its own dockerd): the home moves there first
        try (SecondNode second = SecondNode.start(hub, NODE_2)) {
          // the second node's image build can outlast the idle limit: the culler may be stopping the server now
          assertThat(ida.api("DELETE", "/hub/api/users/" + user + "/server", null).statusCode()).isEqualTo(204);
          awaitState(hub, user, ServerState.STOPPED, Duration.ofSeconds(30));
          HttpResponse<String> toNode2 = ida.form("/hub/spawn", Map.of("profile", "single-cpu", "image", hub.image,
              "selected_nodes", "[\"" + NODE_2 + "\"]", "primary_node", NODE_2));
          assertThat(toNode2.statusCode()).as(toNode2.body()).isEqualTo(302);
          assertThat(HubEndToEndIT.followProgress(ida, user).path("ready").asBoolean()).as(user + "'s server on " + NODE_2).isTrue();
          var server = hub.plane.hub().spawner().server(user).orElseThrow();
          assertThat(server.snapshot().nodes()).containsExactly(NODE_2);
          String progress = server.progress().events().toString();
          server.progress().events().stream().map(e -> e.message()).filter(m -> m.startsWith("Moved your home"))
              .forEach(m -> System.out.println("HubHomesIT: " + m));
          assertThat(progress).contains("Moved your home from " + HubFixture.NODE + " to " + NODE_2).contains("checksums equal");
          assertKept(ida, user, expected, "after a move to a second node");
          assertThat(second.dockerd.docker("volume", "ls", "-q", "--filter", "name=" + volume)).isEqualTo(volume);
          assertThat(hub.dockerd.docker("volume", "ls", "-q", "--filter", "name=" + volume)).as("the verified original").isEmpty();

          // 7. the node holding the home stops reporting: the spawn stops and offers the choices; scratch runs elsewhere
          assertThat(ida.api("DELETE", "/hub/api/users/" + user + "/server", null).statusCode()).isEqualTo(204);
          second.stopAgent();
          awaitGone(hub, NODE_2);
          assertThat(ida.form("/hub/spawn", Map.of("profile", "single-cpu", "image", hub.image)).statusCode()).isEqualTo(302);
          JsonNode stopped = HubEndToEndIT.followProgress(ida, user);
          assertThat(stopped.path("failed").asBoolean()).as(stopped.toString()).isTrue();
          assertThat(stopped.path("home_unavailable").path("node").asText()).isEqualTo(NODE_2);
          assertThat(stopped.path("home_unavailable").path("choices").toString()).isEqualTo("[\"wait\",\"scratch\"]");
          assertThat(stopped.path("message").asText()).contains("your home is on " + NODE_2 + ", which is not reporting");
          assertThat(hub.serverContainers()).doesNotContain("gpuhub-" + user);
          HttpResponse<String> scratch = ida.api("POST", "/hub/api/users/" + user + "/server",
              "{\"profile\": \"single-cpu\", \"home\": \"scratch\"}");
          assertThat(scratch.statusCode()).as(scratch.body()).isEqualTo(202);
          assertThat(HubEndToEndIT.followProgress(ida, user).path("ready").asBoolean()).as("a scratch server").isTrue();
          assertThat(hub.dockerd.docker("inspect", "-f", "{{len .Mounts}}", "gpuhub-" + user)).as("nothing of the home").isEqualTo("0");
          assertThat(ida.api("GET", "/user/" + user + "/api/contents/keep.bin", null).statusCode()).as("scratch is empty")
              .isEqualTo(404);
          assertThat(ida.api("DELETE", "/hub/api/users/" + user + "/server", null).statusCode()).isEqualTo(204);
          // ...and "wait" starts once the node is back, on it, with the files
          HttpResponse<String> wait = ida.api("POST", "/hub/api/users/" + user + "/server",
              "{\"profile\": \"single-cpu\", \"home\": \"wait\"}");
          assertThat(wait.statusCode()).as(wait.body()).isEqualTo(202);
          HubFixture.sleep(2000);
          assertThat(hub.plane.hub().spawner().server(user).orElseThrow().snapshot().state()).isEqualTo(ServerState.PENDING);
          second.startAgent(hub);
          assertThat(HubEndToEndIT.followProgress(ida, user).path("ready").asBoolean()).as("after waiting").isTrue();
          assertThat(hub.plane.hub().spawner().server(user).orElseThrow().snapshot().nodes()).containsExactly(NODE_2);
          assertKept(ida, user, expected, "after waiting for the node holding the home");

          // An administrator sees the home and its size; deleting it needs the confirmation and a stopped server.
          HubClient admin = new HubClient(hub.hubUrl);
          assertThat(admin.signUpAndLogIn("admin", "admin-password-1", hub.adminSecret()).statusCode()).isEqualTo(302);
          JsonNode homes = WireJson.mapper().readTree(admin.getJson("/hub/api/homes").body());
          JsonNode idas = null;
          for (JsonNode h : homes.path("homes")) if (h.path("user").asText().equals(user)) idas = h;
          assertThat(idas).as("ida's home among " + homes).isNotNull();
          assertThat(idas.path("node").asText()).isEqualTo(NODE_2);
          assertThat(idas.path("size_bytes").asLong()).isGreaterThanOrEqualTo(content.length);
          System.out.println("HubHomesIT: " + user + "'s home on " + idas.path("node").asText() + ": "
              + idas.path("size_bytes").asLong() + " bytes");
          assertThat(WireJson.mapper().readTree(ida.getJson("/hub/api/users/" + user + "/home").body()).path("homes").size())
              .as("ida sees her own home").isEqualTo(1);
          HttpResponse<String> unconfirmed = admin.api("DELETE", "/hub/api/homes/" + user, "{\"confirm\": \"idaa\"}");
          assertThat(unconfirmed.statusCode()).as(unconfirmed.body()).isEqualTo(400);
          assertThat(unconfirmed.body()).contains("confirm");
          assertThat(admin.api("DELETE", "/hub/api/homes/" + user, "{\"confirm\": \"" + user + "\"}").statusCode())
              .as("not while her server runs").isEqualTo(409);
          assertKept(ida, user, expected, "after the refused deletions");
          assertThat(ida.api("DELETE", "/hub/api/users/" + user + "/server", null).statusCode()).isEqualTo(204);
          HttpResponse<String> deleted = admin.api("DELETE", "/hub/api/homes/" + user, "{\"confirm\": \"" + user + "\"}");
          assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
          assertThat(WireJson.mapper().readTree(deleted.body()).path("removed_on").toString()).isEqualTo("[\"" + NODE_2 + "\"]");
          assertThat(second.dockerd.docker("volume", "ls", "-q", "--filter", "name=" + volume)).as("the confirmed deletion").isEmpty();
        }
      } finally {
        hub.dockerd.docker("rm", "-f", "gpuhub-" + user);
        hub.dockerd.docker("volume", "rm", "-f", volume); // the shared dockerd serves the next test class
      }
    }
  }

  private static void start(HubClient client, String user, HubFixture hub) throws Exception {
    assertThat(client.form("/hub/spawn", Map.of("profile", "single-cpu", "image", hub.image)).statusCode()).isEqualTo(302);
    assertThat(HubEndToEndIT.followProgress(client, user).path("ready").asBoolean()).as(user + "'s server").isTrue();
  }

  private static void assertKept(HubClient client, String user, String expected, String when) throws Exception {
    HttpResponse<String> r = client.api("GET", "/user/" + user + "/api/contents/keep.bin?format=base64&type=file", null);
    assertThat(r.statusCode()).as(when + ": " + r.body()).isEqualTo(200);
    JsonNode file = WireJson.mapper().readTree(r.body());
    assertThat(file.path("content").asText().replace("\n", "")).as("keep.bin byte for byte " + when).isEqualTo(expected);
  }

  private static void awaitState(HubFixture hub, String user, ServerState state, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (hub.plane.hub().spawner().server(user).map(s -> s.snapshot().state()).orElse(null) != state) {
      assertThat(System.nanoTime()).as(user + "'s server " + state + " within " + limit).isLessThan(deadline);
      HubFixture.sleep(250);
    }
  }

  private static void awaitGone(HubFixture hub, String node) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (hub.plane.discovery().liveNodes().stream().anyMatch(n -> n.hostname().equals(node))) {
      assertThat(System.nanoTime()).as(node + " no longer reporting").isLessThan(deadline);
      HubFixture.sleep(250);
    }
  }

  private static void awaitRouted(HubClient client, String user) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    HttpResponse<String> r;
    while ((r = client.api("GET", "/user/" + user + "/api/status", null)).statusCode() != 200) {
      assertThat(System.nanoTime()).as(user + "'s server adopted after the restart: " + r.statusCode() + " " + r.body())
          .isLessThan(deadline);
      HubFixture.sleep(250);
    }
  }
}
