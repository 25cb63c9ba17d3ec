package dev.gpuhub.app.hub;

import static dev.gpuhub.app.hub.HubClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.server.workload.AgentClient;
import dev.gpuhub.server.workload.AgentEndpoint;
import dev.gpuhub.wire.node.ContainerView;
import dev.gpuhub.testkit.LocalDockerd;
import java.net.http.HttpResponse;
import java.nio.file.Path;
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
  /** The "GPU environment" of this hub: a tag of the notebook image that only node A's dockerd has. */
  static final String ONLY_ON_A = "gpuhub-notebook-only-on-a:it";
  @TempDir static Path dir;
  static HubFixture hub;
  static LocalDockerd dockerdB;
  static SecondNode second;

  @BeforeAll
  static void start() {
    hub = new HubFixture(dir, Map.of("GPUHUB_GPU_IMAGE", ONLY_ON_A));
    hub.dockerd.docker("tag", hub.image, ONLY_ON_A);
    second = SecondNode.start(hub, NODE_B);
    dockerdB = second.dockerd;
  }

  @AfterAll
  static void stop() {
    if (second != null) second.close();
    if (hub != null) hub.close();
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

    AgentClient agents = hub.agents();
    Map<String, AgentEndpoint> agentUrls = Map.of(HubFixture.NODE, hub.agent(HubFixture.NODE), NODE_B, hub.agent(NODE_B));
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
      for (Map.Entry<String, AgentEndpoint> agent : agentUrls.entrySet()) {
        List<String> ids = agents.list(agent.getValue(), "gpuhub.user").stream().map(ContainerView::id).toList();
        if (agent.getKey().equals(node)) assertThat(ids).as("containers on %s", agent.getKey()).contains(containerId);
        else assertThat(ids).as("containers on %s", agent.getKey()).doesNotContain(containerId);
      }
    }
    HttpResponse<String> listed = alice.getJson("/user/alice/api/kernels");
    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    assertThat(json(listed).size()).as(listed.body()).isEqualTo(2);
    // the orphan reconciler keeps a running server's kernel hosts
    assertThat(hub.plane.hub().reconciler().removeOrphans()).isEmpty();
    String primary = hub.plane.hub().spawner().server("alice").orElseThrow().snapshot().primaryHostname();
    for (String node : nodes) { // every container of the server, on either dockerd, is confined
      HubFixture.assertConfined(node.equals(NODE_B) ? dockerdB : hub.dockerd,
          dev.gpuhub.server.hub.spawn.KernelHost.containerName(dev.gpuhub.core.hub.ServerId.defaultOf("alice"), node));
    }
    HubFixture.assertConfined(primary.equals(NODE_B) ? dockerdB : hub.dockerd, "gpuhub-alice");
    assertThat(agents.list(agentUrls.get(NODE_B), "gpuhub.user")).hasSize(primary.equals(NODE_B) ? 2 : 1);
    // interrupt and delete reach the kernel's own host through the gateway
    String someKernel = json(listed).get(0).path("id").asText();
    assertThat(alice.api("POST", "/user/alice/api/kernels/" + someKernel + "/interrupt", "{}").statusCode()).isEqualTo(204);
    assertThat(alice.api("DELETE", "/user/alice/api/kernels/" + someKernel, null).statusCode()).isEqualTo(204);
    assertThat(json(alice.getJson("/user/alice/api/kernels")).size()).isEqualTo(1);

    HttpResponse<String> stop = alice.api("DELETE", "/hub/api/users/alice/server", null);
    assertThat(stop.statusCode()).as(stop.body()).isEqualTo(204);
    for (AgentEndpoint url : agentUrls.values()) assertThat(agents.list(url, "gpuhub.user")).isEmpty();
    assertThat(alice.getJson("/gateway/alice/api/kernelspecs").statusCode()).isEqualTo(404);
  }

  /**
   * Removing one node's kernel host (through that node's dockerd, behind the hub's back) kills the
   * kernel that ran there: the gateway lists it as dead and answers 503 with a JSON reason for it,
   * while the other node's kernel goes on executing code and the server stays up.
   */
  @Test
  void killingOneKernelHostKillsOnlyItsKernel() throws Exception {
    HubClient carol = new HubClient(hub.hubUrl);
    assertThat(carol.signUpAndLogIn("carol", "carol-password-1").statusCode()).isEqualTo(302);
    assertThat(carol.form("/hub/spawn", Map.of("profile", "multi-cpu", "image", hub.image, "node_count", "2"))
        .statusCode()).isEqualTo(302);
    assertThat(HubEndToEndIT.followProgress(carol, "carol").path("ready").asBoolean()).isTrue();
    try {
      // the admin page lists every container of the multi-node server, per node
      HubClient admin = new HubClient(hub.hubUrl);
      assertThat(admin.signUpAndLogIn("admin", "admin-password-1", hub.adminSecret()).statusCode()).isEqualTo(302);
      String page = admin.get("/hub/admin").body();
      assertThat(page).contains(HubFixture.NODE + ": gpuhub-carol-kh-" + HubFixture.NODE + " (kernel host)")
          .contains(NODE_B + ": gpuhub-carol-kh-" + NODE_B + " (kernel host)").contains("gpuhub-carol (Jupyter UI)");
      Map<String, String> kernelOf = new java.util.HashMap<>();
      for (String node : List.of(HubFixture.NODE, NODE_B)) {
        HttpResponse<String> kernel = carol.api("POST", "/user/carol/api/kernels", "{\"name\":\"python3-" + node + "\"}");
        assertThat(kernel.statusCode()).as(kernel.body()).isEqualTo(201);
        kernelOf.put(node, json(kernel).path("id").asText());
      }
      assertThat(Kernels.execute(carol, channels("carol", kernelOf.get(NODE_B)), "print(6*7)")).isEqualTo("42\n");

      dockerdB.docker("rm", "-f", dev.gpuhub.server.hub.spawn.KernelHost.containerName(dev.gpuhub.core.hub.ServerId.defaultOf("carol"), NODE_B));

      HttpResponse<String> listed = carol.getJson("/gateway/carol/api/kernels");
      assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
      Map<String, String> states = new java.util.HashMap<>();
      for (JsonNode k : json(listed)) states.put(k.path("id").asText(), k.path("execution_state").asText());
      assertThat(states).as(listed.body()).containsEntry(kernelOf.get(NODE_B), "dead").containsKey(kernelOf.get(HubFixture.NODE));
      assertThat(states.get(kernelOf.get(HubFixture.NODE))).isNotEqualTo("dead");
      HttpResponse<String> dead = carol.getJson("/gateway/carol/api/kernels/" + kernelOf.get(NODE_B));
      assertThat(dead.statusCode()).as(dead.body()).isEqualTo(503);
      assertThat(json(dead).path("error").asText()).contains("dead").contains(NODE_B);
      // through the user's own server too: the surviving kernel is listed and still runs code on its node
      HttpResponse<String> viaServer = carol.getJson("/user/carol/api/kernels");
      assertThat(viaServer.statusCode()).as(viaServer.body()).isEqualTo(200);
      assertThat(viaServer.body()).contains(kernelOf.get(HubFixture.NODE));
      assertThat(Kernels.execute(carol, channels("carol", kernelOf.get(HubFixture.NODE)),
          "import os; print(os.environ['GPUHUB_NODE'])")).isEqualTo(HubFixture.NODE + "\n");
      HttpResponse<String> another = carol.api("POST", "/user/carol/api/kernels", "{\"name\":\"python3-" + HubFixture.NODE + "\"}");
      assertThat(another.statusCode()).as(another.body()).isEqualTo(201);
      assertThat(hub.plane.hub().spawner().server("carol").orElseThrow().snapshot().state().name()).isEqualTo("RUNNING");
      // deleting the dead kernel (through the user's server, as JupyterLab does) forgets it
      HttpResponse<String> forget = carol.api("DELETE", "/user/carol/api/kernels/" + kernelOf.get(NODE_B), null);
      assertThat(forget.statusCode()).as(forget.body()).isEqualTo(204);
      assertThat(carol.getJson("/gateway/carol/api/kernels").body()).doesNotContain(kernelOf.get(NODE_B));
    } finally {
      assertThat(carol.api("DELETE", "/hub/api/users/carol/server", null).statusCode()).isEqualTo(204);
    }
    AgentClient agents = hub.agents();
    for (String node : List.of(HubFixture.NODE, NODE_B)) assertThat(containersOf(agents, node, "carol")).isEmpty();
  }

  /**
   * A start that fails on one node (node B's dockerd lacks the image) removes what it had already
   * created on node A (the user's server and A's kernel host) and releases every reservation.
   */
  @Test
  void aStartThatFailsOnOneNodeLeavesNothingOnAnyNode() throws Exception {
    HubClient dave = new HubClient(hub.hubUrl);
    assertThat(dave.signUpAndLogIn("dave", "dave-password-1").statusCode()).isEqualTo(302);
    // the options form's plan: the primary hosts the UI, every node a kernel host
    JsonNode plan = json(dave.getJson("/hub/api/nodes?profile=multi-cpu&node_count=2")).path("plan");
    assertThat(plan.size()).as(plan.toString()).isEqualTo(2);
    assertThat(plan.get(0).path("primary").asBoolean()).isTrue();
    assertThat(plan.get(0).path("runs").toString()).contains("Jupyter UI").contains("kernel host");
    assertThat(plan.get(1).path("runs").toString()).doesNotContain("Jupyter UI").contains("kernel host (Python 3 on "
        + plan.get(1).path("hostname").asText() + ")");
    assertThat(dave.get("/hub/spawn").body()).contains("id=\"plan\"");
    HttpResponse<String> spawn = dave.form("/hub/spawn", Map.of("profile", "multi-cpu", "image", ONLY_ON_A,
        "node_count", "2", "selected_nodes", "[\"" + HubFixture.NODE + "\",\"" + NODE_B + "\"]", "primary_node", HubFixture.NODE));
    assertThat(spawn.statusCode()).as(spawn.body()).isEqualTo(302);
    JsonNode last = HubEndToEndIT.followProgress(dave, "dave");
    assertThat(last.path("failed").asBoolean()).as("progress: %s", last).isTrue();
    assertThat(last.toString()).contains(ONLY_ON_A);
    var server = hub.plane.hub().spawner().server("dave").orElseThrow();
    assertThat(server.snapshot().state().name()).isEqualTo("FAILED");
    assertThat(server.snapshot().primaryHostname()).isEqualTo(HubFixture.NODE); // A's containers were created first
    AgentClient agents = hub.agents();
    for (String node : List.of(HubFixture.NODE, NODE_B)) assertThat(containersOf(agents, node, "dave")).isEmpty();
    assertThat(hub.plane.hub().spawner().placements().reservations(dev.gpuhub.core.hub.ServerId.defaultOf("dave"))).isEmpty();
    assertThat(dave.getJson("/gateway/dave/api/kernelspecs").statusCode()).isEqualTo(404);
  }

  private static String channels(String user, String kernelId) {
    return hub.hubUrl.replace("http://", "ws://") + "/user/" + user + "/api/kernels/" + kernelId + "/channels";
  }

  private static List<String> containersOf(AgentClient agents, String node, String user) {
    return agents.list(hub.agent(node), "gpuhub.user").stream().filter(c -> user.equals(c.labels().get("gpuhub.user")))
        .map(ContainerView::name).toList();
  }

}
