package dev.gpuhub.app.hub;

import static dev.gpuhub.app.hub.HubClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.wire.WireJson;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product's main path with a real dockerd and the real notebook image: sign up and log in with
 * _xsrf, spawn single-cpu through the form, follow the SSE progress to ready, start a kernel through
 * /user/<name>/api/kernels, run print(6*7) over the kernel WebSocket through the hub's proxy, stop.
 */
class HubEndToEndIT {
  @TempDir static Path dir;
  static HubFixture hub;

  @BeforeAll
  static void start() {
    hub = new HubFixture(dir, Map.of());
  }

  @AfterAll
  static void stop() {
    if (hub != null) hub.close();
  }

  @Test
  void aStudentSignsUpSpawnsRunsCodeThroughTheProxyAndStops() throws Exception {
    HubClient alice = new HubClient(hub.hubUrl);
    HttpResponse<String> login = alice.signUpAndLogIn("alice", "correct horse battery");
    assertThat(login.statusCode()).as(login.body()).isEqualTo(302);

    HttpResponse<String> noXsrf = alice.send(HttpRequest.newBuilder(URI.create(hub.hubUrl + "/hub/spawn"))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("profile=single-cpu")));
    assertThat(noXsrf.statusCode()).isEqualTo(403);

    assertThat(alice.get("/hub/spawn").body()).contains("single-cpu", "Single CPU", "node_count");
    HttpResponse<String> spawn = alice.form("/hub/spawn", Map.of("profile", "single-cpu", "image", hub.image));
    assertThat(spawn.statusCode()).as(spawn.body()).isEqualTo(302);
    assertThat(spawn.headers().firstValue("Location")).hasValue("/hub/spawn-pending/alice");

    long started = System.nanoTime();
    JsonNode last = followProgress(alice, "alice");
    assertThat(last.path("ready").asBoolean()).as("progress: %s", last).isTrue();
    assertThat(last.path("url").asText()).isEqualTo("/user/alice/");
    System.out.println("HubEndToEndIT: server ready " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms after the spawn POST");
    assertThat(hub.serverContainers()).containsExactly("gpuhub-alice");

    HttpResponse<String> kernel = alice.api("POST", "/user/alice/api/kernels", "{\"name\":\"python3\"}");
    assertThat(kernel.statusCode()).as(kernel.body()).isEqualTo(201);
    String kernelId = json(kernel).path("id").asText();
    String ws = hub.hubUrl.replace("http://", "ws://") + "/user/alice/api/kernels/" + kernelId + "/channels";
    assertThat(Kernels.execute(alice, ws, "print(6*7)")).isEqualTo("42\n");
    assertThat(Kernels.execute(alice, ws, "import os; print(os.environ['GPUHUB_NODE'])")).isEqualTo(HubFixture.NODE + "\n");
    // the student's code runs unprivileged, and the server's token is on no command line
    assertThat(Kernels.execute(alice, ws, "import os; print(os.getuid())")).isEqualTo("1000\n");
    String token = hub.plane.hub().spawner().server("alice").orElseThrow().snapshot().token();
    assertThat(hub.dockerd.docker("inspect", "--format", "{{json .Path}} {{json .Args}}", "gpuhub-alice"))
        .contains("notebook").doesNotContain(token);
    String processes = Kernels.execute(alice, ws, "import glob; print(' | '.join(open(p, 'rb').read().replace(b'\\0', b' ')"
        + ".decode() for p in glob.glob('/proc/[0-9]*/cmdline')))");
    assertThat(processes).as("every command line in the container").contains("notebook").doesNotContain(token);

    HttpResponse<String> stop = alice.api("DELETE", "/hub/api/users/alice/server", null);
    assertThat(stop.statusCode()).as(stop.body()).isEqualTo(204);
    assertThat(hub.serverContainers()).isEmpty();
    assertThat(alice.getJson("/user/alice/api/status").statusCode()).isEqualTo(404);
    assertThat(alice.get("/user/alice/tree").statusCode()).isEqualTo(302);
  }

  @Test
  void theSeedLoadScriptsFormFieldsWorkAndLogoutStopsTheServer() throws Exception {
    HubClient bob = new HubClient(hub.hubUrl);
    assertThat(bob.signUpAndLogIn("bob", "bob-password-1").statusCode()).isEqualTo(302);
    long profileId = hub.plane.discovery().profile("single-cpu").orElseThrow().id();
    String selected = "[{\"hostname\":\"" + HubFixture.NODE + "\",\"ip\":\"" + hub.nodeIp + "\"}]";
    HttpResponse<String> spawn = bob.form("/hub/spawn", Map.of("profile_id", Long.toString(profileId),
        "profile_name", "single-cpu", "image", hub.image, "node_count_final", "1",
        "primary_node", HubFixture.NODE, "selected_nodes", selected));
    assertThat(spawn.statusCode()).as(spawn.body()).isEqualTo(302);
    JsonNode last = followProgress(bob, "bob");
    assertThat(last.path("ready").asBoolean()).as("progress: %s", last).isTrue();
    assertThat(hub.plane.hub().spawner().server("bob").get().snapshot().primaryHostname()).isEqualTo(HubFixture.NODE);
    assertThat(bob.getJson("/user/bob/api/status").statusCode()).isEqualTo(200);

    assertThat(bob.logOut().statusCode()).isEqualTo(302);
    assertThat(hub.serverContainers()).doesNotContain("gpuhub-bob");
    assertThat(hub.plane.hub().spawner().server("bob").get().snapshot().failureReason()).isEqualTo("logged out");
  }

  /** Reads the progress stream until an event is ready or failed; returns that event. */
  static JsonNode followProgress(HubClient client, String user) throws Exception {
    return followProgressAt(client, "/hub/api/users/" + user + "/server/progress");
  }

  /** As {@link #followProgress(HubClient, String)} for the progress stream at {@code path} (a named server's). */
  static JsonNode followProgressAt(HubClient client, String path) throws Exception {
    HttpResponse<Stream<String>> r = client.http.send(HttpRequest.newBuilder(
        URI.create(client.base + path)).timeout(Duration.ofSeconds(180)).GET().build(),
        HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode last = null;
    StringBuilder seen = new StringBuilder();
    try (Stream<String> lines = r.body()) {
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        seen.append(line).append('\n');
        if (!line.startsWith("data:")) continue;
        last = WireJson.mapper().readTree(line.substring(5).strip());
        if (last.path("ready").asBoolean() || last.path("failed").asBoolean()) break;
      }
    }
    if (last == null) {
      throw new AssertionError("no progress event; status " + r.statusCode() + ", headers " + r.headers().map()
          + "; the stream said:\n" + seen);
    }
    return last;
  }
}
