package dev.gpuhub.app.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.server.hub.spawn.ActiveServer;
import dev.gpuhub.server.workload.AgentClient;
import dev.gpuhub.server.workload.AgentEndpoint;
import dev.gpuhub.wire.node.ContainerView;
import dev.gpuhub.testkit.LocalDockerd;
import dev.gpuhub.wire.WireJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7 item 4, worker mode (seed 001's Ray workers) with a stand-in for Ray: multi-cpu is
 * configured (GPUHUB_WORKER_PROFILES) with a head that is a tiny python3 TCP listener counting
 * registrations, run in the primary container beside Jupyter, and a worker that registers with
 * {primary_ip}:{port} and stays up, one container per secondary node. The head sees node B's worker;
 * a hub restart adopts the server with its worker; stopping the server removes every container on both nodes and the head with them.
 */
class HubWorkerModeIT {
  static final String NODE_B = "hub-worker-node-b";
  static final String HEAD = String.join("\n",
      "python3 -c '",
      "import socket,threading",
      "s=socket.socket()",
      "s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)",
      "s.bind((\"0.0.0.0\",{port}))",
      "s.listen()",
      "nodes=set()",
      "def h(c):",
      "  l=c.makefile().readline().strip()",
      "  if l==\"COUNT\":",
      "    c.sendall((\",\".join(sorted(nodes))+\"\\n\").encode()); c.close()",
      "  else:",
      "    nodes.add(l); c.sendall(b\"ok\\n\")",
      "while True:",
      "  c,_=s.accept(); threading.Thread(target=h,args=(c,),daemon=True).start()",
      "'");
  static final String WORKER = String.join("\n",
      "python3 -c '",
      "import socket,time",
      "while True:",
      "  try:",
      "    c=socket.create_connection((\"{primary_ip}\",{port}),timeout=2); c.sendall(b\"{node}\\n\"); c.recv(10); break",
      "  except OSError: time.sleep(0.5)",
      "print(\"registered as {node} for {user}\", flush=True)",
      "while True: time.sleep(60)",
      "'");
  @TempDir static Path dir;
  static HubFixture hub;
  static LocalDockerd dockerdB;
  static SecondNode second;

  @BeforeAll
  static void start() {
    ObjectNode modes = WireJson.mapper().createObjectNode();
    modes.putObject("multi-cpu").put("head_command", HEAD).put("worker_command", WORKER);
    modes.putObject("multi-cpu-broken").put("head_command", HEAD).put("worker_command", "echo giving up on {node}; exit 3");
    hub = new HubFixture(dir, Map.of("GPUHUB_WORKER_PROFILES", modes.toString()));
    hub.plane.stores().repository().createProfile(new dev.gpuhub.core.profile.Profile(0, "multi-cpu-broken",
        "Multi CPU (broken workers)", "worker command that exits", 1, 1, false, 2, 2, 100, 100));
    second = SecondNode.start(hub, NODE_B);
    dockerdB = second.dockerd;
  }

  @AfterAll
  static void stop() {
    if (second != null) second.close();
    if (hub != null) hub.close();
  }

  @Test
  void theHeadSeesEveryWorkerAndStopRemovesThemAll() throws Exception {
    HubClient frank = new HubClient(hub.hubUrl);
    assertThat(frank.signUpAndLogIn("frank", "frank-password-1").statusCode()).isEqualTo(302);
    var plan = HubClient.json(frank.getJson("/hub/api/nodes?profile=multi-cpu&node_count=2")).path("plan");
    assertThat(plan.size()).as(plan.toString()).isEqualTo(2);
    assertThat(plan.get(0).path("runs").toString()).isEqualTo("[\"Jupyter UI\",\"head\"]");
    assertThat(plan.get(1).path("runs").toString()).isEqualTo("[\"worker\"]");
    assertThat(frank.form("/hub/spawn", Map.of("profile", "multi-cpu", "image", hub.image, "node_count", "2",
        "selected_nodes", "[\"" + HubFixture.NODE + "\",\"" + NODE_B + "\"]", "primary_node", HubFixture.NODE))
        .statusCode()).isEqualTo(302);
    var last = HubEndToEndIT.followProgress(frank, "frank");
    assertThat(last.path("ready").asBoolean()).as("progress: %s", last).isTrue();
    ActiveServer server = hub.plane.hub().spawner().server("frank").orElseThrow();
    int port = server.workerPort();
    assertThat(server.kernelHosts()).isEmpty(); // worker mode instead of kernel hosts
    assertThat(server.workers()).extracting(ActiveServer.Worker::hostname).containsExactly(NODE_B);
    assertThat(frank.getJson("/gateway/frank/api/kernelspecs").statusCode()).isEqualTo(404);

    // the head (in the primary container) counts the workers that registered with {primary_ip}:{port}
    String registered = "";
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!registered.equals(NODE_B) && System.nanoTime() < deadline) {
      registered = ask(hub.nodeIp, port);
      if (!registered.equals(NODE_B)) HubFixture.sleep(250);
    }
    assertThat(registered).isEqualTo(NODE_B);
    AgentClient agents = hub.agents();
    List<ContainerView> onB = containersOf(agents, NODE_B, "frank");
    assertThat(onB).extracting(c -> c.labels().get("gpuhub.kind")).containsExactly("worker");
    assertThat(onB.get(0).running()).isTrue();
    HubFixture.assertConfined(dockerdB, onB.get(0).name()); // the worker, and the server with the head beside Jupyter
    HubFixture.assertConfined(hub.dockerd, "gpuhub-frank");
    assertThat(agents.logs(hub.agent(NODE_B), onB.get(0).id(), 5)).contains("registered as " + NODE_B + " for frank");
    assertThat(containersOf(agents, HubFixture.NODE, "frank")).extracting(c -> c.labels().get("gpuhub.kind"))
        .containsExactly("server");
    assertThat(hub.plane.hub().reconciler().removeOrphans()).isEmpty(); // a running server's worker is not an orphan

    // a hub restart adopts the server with its worker (same container, same head port), not an orphan
    hub.restartControlPlane();
    long adoptBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (hub.plane.hub().spawner().server("frank").isEmpty() && System.nanoTime() < adoptBy) HubFixture.sleep(200);
    ActiveServer adopted = hub.plane.hub().spawner().server("frank").orElseThrow(() -> new AssertionError("not adopted"));
    assertThat(adopted.workers()).extracting(ActiveServer.Worker::containerId).containsExactly(onB.get(0).id());
    assertThat(adopted.workerPort()).isEqualTo(port);
    assertThat(hub.plane.hub().reconciler().removeOrphans()).isEmpty();
    assertThat(containersOf(agents, NODE_B, "frank")).extracting(ContainerView::id).containsExactly(onB.get(0).id());
    assertThat(ask(hub.nodeIp, port)).isEqualTo(NODE_B);
    frank = new HubClient(hub.hubUrl);
    frank.get("/hub/login");
    assertThat(frank.form("/hub/login", Map.of("username", "frank", "password", "frank-password-1")).statusCode())
        .isEqualTo(302);
    HubClient admin = new HubClient(hub.hubUrl);
    assertThat(admin.signUpAndLogIn("admin", "admin-password-1", hub.adminSecret()).statusCode()).isEqualTo(302);
    assertThat(admin.get("/hub/admin").body()).contains(NODE_B + ": gpuhub-frank-worker-" + NODE_B + " (worker)")
        .contains(HubFixture.NODE + ": gpuhub-frank (Jupyter UI, head on port " + port + ")");

    assertThat(frank.api("DELETE", "/hub/api/users/frank/server", null).statusCode()).isEqualTo(204);
    for (String node : List.of(HubFixture.NODE, NODE_B)) assertThat(containersOf(agents, node, "frank")).isEmpty();
    assertThat(ask(hub.nodeIp, port)).isEqualTo("refused"); // the head went with the primary container
    assertThat(hub.plane.hub().spawner().placements().reservations(dev.gpuhub.core.hub.ServerId.defaultOf("frank"))).isEmpty();
  }

  /** A worker command that exits fails the start, and everything it created on both nodes goes. */
  @Test
  void aWorkerThatExitsFailsTheStartAndLeavesNothingBehind() throws Exception {
    HubClient gina = new HubClient(hub.hubUrl);
    assertThat(gina.signUpAndLogIn("gina", "gina-password-1").statusCode()).isEqualTo(302);
    assertThat(gina.form("/hub/spawn", Map.of("profile", "multi-cpu-broken", "image", hub.image, "node_count", "2",
        "selected_nodes", "[\"" + HubFixture.NODE + "\",\"" + NODE_B + "\"]", "primary_node", HubFixture.NODE))
        .statusCode()).isEqualTo(302);
    var last = HubEndToEndIT.followProgress(gina, "gina");
    assertThat(last.path("failed").asBoolean()).as("progress: %s", last).isTrue();
    assertThat(last.toString()).contains("the worker on " + NODE_B + " stopped right after its start (exit code 3)")
        .contains("giving up on " + NODE_B);
    AgentClient agents = hub.agents();
    for (String node : List.of(HubFixture.NODE, NODE_B)) assertThat(containersOf(agents, node, "gina")).isEmpty();
    assertThat(hub.plane.hub().spawner().placements().reservations(dev.gpuhub.core.hub.ServerId.defaultOf("gina"))).isEmpty();
  }

  /** The head's answer to COUNT (the registered nodes, comma-separated), or "refused". */
  private static String ask(String ip, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(ip, port), 2000);
      s.setSoTimeout(5000);
      s.getOutputStream().write("COUNT\n".getBytes(StandardCharsets.UTF_8));
      String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
      return line == null ? "" : line.strip();
    } catch (IOException e) {
      return "refused";
    }
  }

  private static List<ContainerView> containersOf(AgentClient agents, String node, String user) {
    return agents.list(hub.agent(node), "gpuhub.user").stream().filter(c -> user.equals(c.labels().get("gpuhub.user"))).toList();
  }

}
