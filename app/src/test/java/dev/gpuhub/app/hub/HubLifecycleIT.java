package dev.gpuhub.app.hub;

import dev.gpuhub.server.hub.spawn.SpawnOptions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.server.hub.spawn.ServerState;
import dev.gpuhub.server.hub.spawn.Spawner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The idle culler, restart adoption and orphan removal against real containers. */
class HubLifecycleIT {
  @TempDir Path dir;
  private HubFixture hub;

  @AfterEach
  void stop() {
    if (hub != null) hub.close();
  }

  private String startServerFor(String user) {
    var account = hub.plane.hub().auth().accounts().create(user, "password-" + user, false);
    String token = hub.plane.hub().auth().accounts().createToken(account, "test", null).token();
    hub.plane.hub().spawner().spawn(user, new SpawnOptions("single-cpu", null, null));
    awaitState(user, ServerState.RUNNING, Duration.ofSeconds(120));
    return token;
  }

  private void awaitState(String user, ServerState state, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      var s = hub.plane.hub().spawner().server(user);
      if (s.isPresent() && s.get().snapshot().state() == state) return;
      if (s.isPresent() && s.get().snapshot().state() == ServerState.FAILED) {
        throw new AssertionError("spawn failed: " + s.get().snapshot().failureReason());
      }
      HubFixture.sleep(200);
    }
    throw new AssertionError(user + " did not reach " + state + " within " + timeout);
  }

  private int status(String path, String token) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hub.hubUrl + path))
        .header("Authorization", "token " + token).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void aServerThatDoesNotStartShowsWhyAndLeavesNothingBehind() throws Exception {
    hub = new HubFixture(dir, Map.of("GPUHUB_NOTEBOOK_COMMAND", "python3 -c import.sys;sys.exit(3) {port} {token} {base_url}"));
    HubClient carol = new HubClient(hub.hubUrl);
    assertThat(carol.signUpAndLogIn("carol", "carol-password").statusCode()).isEqualTo(302);
    assertThat(carol.form("/hub/spawn", Map.of("profile", "single-cpu")).statusCode()).isEqualTo(302);
    var last = HubEndToEndIT.followProgress(carol, "carol");
    assertThat(last.path("failed").asBoolean()).as("progress: %s", last).isTrue();
    assertThat(last.path("message").asText()).contains("stopped before Jupyter answered");
    assertThat(hub.serverContainers()).isEmpty();
    assertThat(carol.get("/hub/home").body()).contains("Last start failed");
    assertThat(carol.getJson("/user/carol/api/status").statusCode()).isEqualTo(404);
  }

  @Test
  void idleServersAreCulled() throws Exception {
    hub = new HubFixture(dir, Map.of("GPUHUB_IDLE_TIMEOUT_SECONDS", "4", "GPUHUB_CULL_INTERVAL_SECONDS", "1"));
    String token = startServerFor("idler");
    assertThat(status("/user/idler/api/status", token)).isEqualTo(200); // traffic resets the idle clock
    long busyUntil = System.nanoTime() + Duration.ofSeconds(6).toNanos();
    while (System.nanoTime() < busyUntil) {
      assertThat(status("/user/idler/api/status", token)).as("kept alive by traffic").isEqualTo(200);
      HubFixture.sleep(1000);
    }
    awaitState("idler", ServerState.STOPPED, Duration.ofSeconds(20));
    assertThat(hub.plane.hub().spawner().server("idler").get().snapshot().failureReason()).contains("idle");
    assertThat(hub.serverContainers()).doesNotContain("gpuhub-idler");
    assertThat(status("/user/idler/api/status", token)).isEqualTo(404);
  }

  @Test
  void aRestartedHubAdoptsRunningServersAndRemovesOrphans() throws Exception {
    hub = new HubFixture(dir, Map.of("GPUHUB_CULL_INTERVAL_SECONDS", "1"));
    String token = startServerFor("keeper");
    String container = hub.plane.hub().spawner().server("keeper").get().snapshot().containerId();

    hub.restartControlPlane();

    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (hub.plane.hub().spawner().server("keeper").isEmpty() && System.nanoTime() < deadline) HubFixture.sleep(200);
    var adopted = hub.plane.hub().spawner().server("keeper");
    assertThat(adopted).as("adopted after restart").isPresent();
    assertThat(adopted.get().snapshot().state()).isEqualTo(ServerState.RUNNING);
    assertThat(adopted.get().snapshot().containerId()).isEqualTo(container);
    assertThat(status("/user/keeper/api/status", token)).as("reachable again through the new hub").isEqualTo(200);

    // A server container nobody owns (e.g. left by a crash during a spawn) is removed.
    hub.dockerd.docker("run", "-d", "--network", "host", "--name", "gpuhub-ghost", "--label", "gpuhub.managed=true",
        "--label", "gpuhub.user=ghost", "--label", "gpuhub.kind=server", hub.image, "sleep", "600");
    long orphanDeadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (hub.serverContainers().contains("gpuhub-ghost") && System.nanoTime() < orphanDeadline) HubFixture.sleep(300);
    assertThat(hub.serverContainers()).containsExactly("gpuhub-keeper");

    assertThat(hub.plane.hub().spawner().stop("keeper", "test over")).isTrue();
    assertThat(hub.serverContainers()).isEmpty();
  }
}
