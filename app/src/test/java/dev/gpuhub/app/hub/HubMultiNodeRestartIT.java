package dev.gpuhub.app.hub;

import static dev.gpuhub.app.hub.HubClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.server.hub.spawn.ActiveServer;
import dev.gpuhub.server.hub.spawn.KernelHost;
import dev.gpuhub.server.workload.AgentClient;
import dev.gpuhub.server.workload.AgentEndpoint;
import dev.gpuhub.wire.node.ContainerView;
import dev.gpuhub.server.hub.spawn.ServerState;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub restart keeps a running multi-node server working: the restarted hub adopts the user's
 * server together with its kernel hosts on both nodes (same containers, not removed as orphans) and
 * its kernel gateway (the primary's gateway token and the hosts' tokens are derived from the
 * server's recorded token), so the server still lists both nodes' kernel specs and a new kernel on
 * node B runs there; stopping then removes everything on both nodes.
 */
class HubMultiNodeRestartIT {
  static final String NODE_B = "hub-e2e-node-b";
  @TempDir static Path dir;
  static HubFixture hub;
  static SecondNode second;

  @BeforeAll
  static void start() {
    hub = new HubFixture(dir, Map.of("GPUHUB_CULL_INTERVAL_SECONDS", "1"));
    second = SecondNode.start(hub, NODE_B);
  }

  @AfterAll
  static void stop() {
    if (second != null) second.close();
    if (hub != null) hub.close();
  }

  @Test
  void aRestartedHubAdoptsAMultiNodeServerWithItsKernelHostsAndGateway() throws Exception {
    HubClient erin = new HubClient(hub.hubUrl);
    assertThat(erin.signUpAndLogIn("erin", "erin-password-1").statusCode()).isEqualTo(302);
    HttpResponse<String> spawn = erin.form("/hub/spawn", Map.of("profile", "multi-cpu", "image", hub.image,
        "node_count", "2"));
    assertThat(spawn.statusCode()).as(spawn.body()).isEqualTo(302);
    JsonNode last = HubEndToEndIT.followProgress(erin, "erin");
    assertThat(last.path("ready").asBoolean()).as("progress: %s", last).isTrue();
    ActiveServer before = hub.plane.hub().spawner().server("erin").orElseThrow();
    assertThat(before.snapshot().nodes()).containsExactlyInAnyOrder(HubFixture.NODE, NODE_B);
    Map<String, String> hostIds = new HashMap<>();
    for (KernelHost h : before.kernelHosts()) hostIds.put(h.hostname(), h.containerId());
    assertThat(hostIds).containsOnlyKeys(HubFixture.NODE, NODE_B);
    for (String node : List.of(HubFixture.NODE, NODE_B)) {
      HttpResponse<String> kernel = erin.api("POST", "/user/erin/api/kernels", "{\"name\":\"python3-" + node + "\"}");
      assertThat(kernel.statusCode()).as(kernel.body()).isEqualTo(201);
      assertThat(Kernels.execute(erin, channels(json(kernel).path("id").asText()), "print(6*7)")).isEqualTo("42\n");
    }

    hub.restartControlPlane();

    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (hub.plane.hub().spawner().server("erin").isEmpty() && System.nanoTime() < deadline) HubFixture.sleep(200);
    ActiveServer adopted = hub.plane.hub().spawner().server("erin").orElseThrow(() -> new AssertionError("not adopted"));
    assertThat(adopted.snapshot().state()).isEqualTo(ServerState.RUNNING);
    assertThat(adopted.snapshot().containerId()).isEqualTo(before.snapshot().containerId());
    Map<String, String> adoptedIds = new HashMap<>();
    for (KernelHost h : adopted.kernelHosts()) adoptedIds.put(h.hostname(), h.containerId());
    assertThat(adoptedIds).isEqualTo(hostIds);
    assertThat(adopted.gatewayToken()).isEqualTo(before.gatewayToken());

    // the orphan reconciler keeps them: the same kernel host containers still run on both nodes
    assertThat(hub.plane.hub().reconciler().removeOrphans()).isEmpty();
    HubFixture.sleep(2500); // a pass of the periodic reconciler too (cull interval 1 s)
    AgentClient agents = hub.agents();
    for (String node : List.of(HubFixture.NODE, NODE_B)) {
      List<String> ids = agents.list(hub.agent(node), "gpuhub.user").stream()
          .filter(c -> "erin".equals(c.labels().get("gpuhub.user")) && c.running()).map(ContainerView::id).toList();
      assertThat(ids).as("containers on %s", node).contains(hostIds.get(node));
    }

    // through the new hub: both nodes' kernel specs, and a new kernel on node B runs there
    HubClient again = new HubClient(hub.hubUrl);
    again.get("/hub/login");
    assertThat(again.form("/hub/login", Map.of("username", "erin", "password", "erin-password-1")).statusCode())
        .isEqualTo(302);
    HttpResponse<String> specs = again.getJson("/user/erin/api/kernelspecs");
    assertThat(specs.statusCode()).as(specs.body()).isEqualTo(200);
    JsonNode kernelspecs = json(specs).path("kernelspecs");
    for (String node : List.of(HubFixture.NODE, NODE_B)) {
      assertThat(kernelspecs.path("python3-" + node).path("spec").path("display_name").asText())
          .as(specs.body()).isEqualTo("Python 3 on " + node);
    }
    HttpResponse<String> listed = again.getJson("/user/erin/api/kernels");
    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    assertThat(json(listed).size()).as(listed.body()).isEqualTo(2);
    HttpResponse<String> kernel = again.api("POST", "/user/erin/api/kernels", "{\"name\":\"python3-" + NODE_B + "\"}");
    assertThat(kernel.statusCode()).as(kernel.body()).isEqualTo(201);
    assertThat(Kernels.execute(again, channels(json(kernel).path("id").asText()),
        "import os; print(os.environ['GPUHUB_NODE'])")).isEqualTo(NODE_B + "\n");

    HttpResponse<String> stop = again.api("DELETE", "/hub/api/users/erin/server", null);
    assertThat(stop.statusCode()).as(stop.body()).isEqualTo(204);
    for (String node : List.of(HubFixture.NODE, NODE_B)) {
      assertThat(agents.list(hub.agent(node), "gpuhub.user").stream()
          .filter(c -> "erin".equals(c.labels().get("gpuhub.user"))).toList()).as("containers on %s", node).isEmpty();
    }
    assertThat(again.getJson("/gateway/erin/api/kernelspecs").statusCode()).isEqualTo(404);
  }

  private static String channels(String kernelId) {
    return hub.hubUrl.replace("http://", "ws://") + "/user/erin/api/kernels/" + kernelId + "/channels";
  }

}
