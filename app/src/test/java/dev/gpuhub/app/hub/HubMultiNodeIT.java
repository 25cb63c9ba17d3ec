package dev.gpuhub.app.hub;

import static dev.gpuhub.app.hub.HubClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.agent.AgentConfig;
import dev.gpuhub.agent.AgentDaemon;
import dev.gpuhub.server.hub.spawn.NodeAgentClient;
import dev.gpuhub.testkit.LocalDockerd;
import dev.gpuhub.testkit.TestImages;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, kernel hosts and the hub's kernel gateway, with real Docker and the real notebook image:
 * two agents on this machine (node A on the shared dockerd, node B on a dockerd of its own, so each
 * agent sees only its own containers), multi-cpu on both → the user's server lists "Python 3 on A"
 * and "Python 3 on B"; a kernel from each spec prints its own node's GPUHUB_NODE over the proxy's
 * WebSocket and runs in a container the named node's agent lists; another user cannot reach the
 * gateway; stopping removes every container on both nodes.
 */
class HubMultiNodeIT {
  static final String NODE_B = "hub-e2e-node-b";
  @TempDir static Path dir;
  static HubFixture hub;
  static LocalDockerd dockerdB;
  static AgentDaemon agentB;

  @BeforeAll
  static void start() {
    hub = new HubFixture(dir, Map.of());
    dockerdB = LocalDockerd.start();
    TestImages.notebook(dockerdB);
    agentB = AgentDaemon.create(AgentConfig.of(hub.plane.discoveryUrl(), hub.token).withHostname(NODE_B).withIp("127.0.0.1")
        .withDockerHost(dockerdB.dockerHost()).withApiPort(0).withInterval(Duration.ofSeconds(2))
        .withCpuSample(Duration.ofMillis(200)).withMaxContainers(40)).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (hub.plane.discovery().liveNodes().stream().filter(n -> n.agentPort() != null).count() < 2) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("node B did not report within 30 s");
      HubFixture.sleep(100);
    }
  }

  @AfterAll
  static void stop() {
    if (agentB != null) agentB.close();
    if (hub != null) hub.close();
    if (dockerdB != null) dockerdB.close();
  }

  @Test
  void eachKernelRunsOnTheNodeItsSpecNamesAndEverythingGoesOnStop() throws Exception {
    HubClient alice = new HubClient(hub.hubUrl);
    assertThat(alice.signUpAndLogIn("alice", "correct horse battery").statusCode()).isEqualTo(302);
    HttpResponse<String> spawn = alice.form("/hub/spawn", Map.of("profile", "multi-cpu", "image", hub.image,
        "node_count", "2"));
    assertThat(spawn.statusCode()).as(spawn.body()).isEqualTo(302);
    JsonNode last = HubEndToEndIT.followProgress(alice, "alice");
    assertThat(last.path("ready").asBoolean()).as("progress: %s", last).isTrue();
    List<String> nodes = hub.plane.hub().spawner().server("alice").orElseThrow().snapshot().nodes();
    assertThat(nodes).containsExactlyInAnyOrder(HubFixture.NODE, NODE_B);

    // the user's own server lists one kernel spec per node, served by the hub's gateway
    HttpResponse<String> specs = alice.getJson("/user/alice/api/kernelspecs");
    assertThat(specs.statusCode()).as(specs.body()).isEqualTo(200);
    JsonNode kernelspecs = json(specs).path("kernelspecs");
    for (String node : nodes) {
      assertThat(kernelspecs.path("python3-" + node).path("spec").path("display_name").asText())
          .as(specs.body()).isEqualTo("Python 3 on " + node);
    }
    assertThat(kernelspecs.size()).isEqualTo(2);

    // another user: 403 on the gateway and on the server, whatever the path
    HubClient bob = new HubClient(hub.hubUrl);
    assertThat(bob.signUpAndLogIn("bob", "bob-password-1").statusCode()).isEqualTo(302);
    assertThat(bob.getJson("/gateway/alice/api/kernelspecs").statusCode()).isEqualTo(403);
    assertThat(bob.getJson("/gateway/alice/api/kernels").statusCode()).isEqualTo(403);
    assertThat(bob.api("POST", "/gateway/alice/api/kernels", "{\"name\":\"python3-" + NODE_B + "\"}").statusCode()).isEqualTo(403);
    assertThat(bob.getJson("/user/alice/api/kernels").statusCode()).isEqualTo(403);
    assertThat(new HubClient(hub.hubUrl).send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(hub.hubUrl + "/gateway/alice/api/kernels")).header("Authorization", "token not-the-token").GET())
        .statusCode()).isEqualTo(403);

    NodeAgentClient agents = new NodeAgentClient(hub.token);
    Map<String, String> agentUrls = Map.of(HubFixture.NODE, agentUrl(HubFixture.NODE), NODE_B, agentUrl(NODE_B));
    for (String node : nodes) {
      HttpResponse<String> kernel = alice.api("POST", "/user/alice/api/kernels", "{\"name\":\"python3-" + node + "\"}");
      assertThat(kernel.statusCode()).as(kernel.body()).isEqualTo(201);
      assertThat(json(kernel).path("name").asText()).isEqualTo("python3-" + node);
      String ws = hub.hubUrl.replace("http://", "ws://") + "/user/alice/api/kernels/" + json(kernel).path("id").asText()
          + "/channels";
      assertThat(Kernels.execute(alice, ws, "import os; print(os.environ['GPUHUB_NODE'])")).isEqualTo(node + "\n");
      // which container runs the kernel: the id docker mounted its hostname file from, read inside the kernel
      String containerId = Kernels.execute(alice, ws, "import re; print(re.search(r'/containers/([0-9a-f]{64})/',"
          + " open('/proc/self/mountinfo').read()).group(1))").strip();
      for (Map.Entry<String, String> agent : agentUrls.entrySet()) {
        List<String> ids = agents.list(agent.getValue(), "gpuhub.user").stream().map(NodeAgentClient.Container::id).toList();
        if (agent.getKey().equals(node)) assertThat(ids).as("containers on %s", agent.getKey()).contains(containerId);
        else assertThat(ids).as("containers on %s", agent.getKey()).doesNotContain(containerId);
      }
    }
    HttpResponse<String> listed = alice.getJson("/user/alice/api/kernels");
    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    assertThat(json(listed).size()).as(listed.body()).isEqualTo(2);
    // the orphan reconciler keeps a running server's kernel hosts
    assertThat(hub.plane.hub().reconciler().removeOrphans()).isEmpty();
    assertThat(agents.list(agentUrls.get(NODE_B), "gpuhub.user")).hasSize(1);
    // interrupt and delete reach the kernel's own host through the gateway
    String someKernel = json(listed).get(0).path("id").asText();
    assertThat(alice.api("POST", "/user/alice/api/kernels/" + someKernel + "/interrupt", "{}").statusCode()).isEqualTo(204);
    assertThat(alice.api("DELETE", "/user/alice/api/kernels/" + someKernel, null).statusCode()).isEqualTo(204);
    assertThat(json(alice.getJson("/user/alice/api/kernels")).size()).isEqualTo(1);

    HttpResponse<String> stop = alice.api("DELETE", "/hub/api/users/alice/server", null);
    assertThat(stop.statusCode()).as(stop.body()).isEqualTo(204);
    for (String url : agentUrls.values()) assertThat(agents.list(url, "gpuhub.user")).isEmpty();
    assertThat(alice.getJson("/gateway/alice/api/kernelspecs").statusCode()).isEqualTo(404);
  }

  private static String agentUrl(String hostname) {
    var node = hub.plane.discovery().liveNodes().stream().filter(n -> n.hostname().equals(hostname)).findFirst().orElseThrow();
    return "http://" + node.ip() + ":" + node.agentPort();
  }
}
