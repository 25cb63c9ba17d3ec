package dev.gpuhub.agent.sim;

import static dev.gpuhub.agent.sim.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.agent.StubDiscoveryServer;
import dev.gpuhub.agent.StubDiscoveryServer.Answer;
import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.wire.AgentAuth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** N simulated agents in one JVM against a stand-in discovery service (records bodies, answers the proof). */
class SimulatedClusterTest {
  private static final String TOKEN = AgentAuth.generateToken();
  private static final Duration INTERVAL = Duration.ofMillis(200);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final SimulatedNodeSpec SPEC = SimulatedNodeSpec.parse("cores=8,ram=32G,gpus=1,max_containers=20");
  private static final long GIB = 1L << 30;

  private StubDiscoveryServer discovery;

  @BeforeEach
  void startDiscovery() {
    discovery = StubDiscoveryServer.start(TOKEN, n -> Answer.OK);
  }

  @AfterEach
  void stopDiscovery() {
    discovery.close();
  }

  @Test
  void threeNodesReportUnderTheirOwnNamesAndAStartShowsInTheNextReport() {
    try (SimulatedCluster cluster = SimulatedCluster.start(discovery.url().toString(), TOKEN, 3, SPEC, INTERVAL)) {
      assertThat(cluster.hostnames()).containsExactly("sim-01", "sim-02", "sim-03");
      SimHttp.await(() -> reportsByHost(0).keySet().size() == 3, WAIT, "a heartbeat from every node");

      Map<String, JsonNode> first = reportsByHost(0);
      Set<Integer> apiPorts = new HashSet<>();
      for (String h : cluster.hostnames()) {
        JsonNode r = first.get(h);
        assertThat(r.path("ip").asText()).isEqualTo("127.0.0.1");
        assertThat(r.path("cpu_cores").asInt()).isEqualTo(8);
        assertThat(r.path("ram_gb").asDouble()).isEqualTo(32.0);
        assertThat(r.path("max_containers").asInt()).isEqualTo(20);
        assertThat(r.path("gpu_info").get(0).path("uuid").asText()).isEqualTo("GPU-sim-" + h + "-0");
        assertThat(r.path("agent_port").asInt()).isEqualTo(cluster.apiPort(h));
        assertThat(r.path("total_containers").asInt()).isZero();
        apiPorts.add(cluster.apiPort(h));
      }
      assertThat(apiPorts).hasSize(3);
      assertThat(discovery.requests()).allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN));

      // The control plane starts a server on sim-02 through its node API.
      int port = SimHttp.freePort("127.0.0.1");
      HttpResponse<String> created = SimHttp.post(cluster.apiUrl("sim-02").resolve("/containers"), TOKEN,
          SimHttp.spec("jupyter-alice", port, 2, 4 * GIB).replace("\"cpus\"", "\"gpu_device_uuids\": [\"GPU-sim-sim-02-0\"], \"cpus\""));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      long after = System.nanoTime();
      assertThat(SimHttp.status("127.0.0.1", port, "alice").statusCode()).isEqualTo(200);

      SimHttp.await(() -> reportsByHost(after).containsKey("sim-02"), WAIT, "a report of sim-02 after the start");
      JsonNode next = reportsByHost(after).get("sim-02");
      assertThat(next.path("total_containers").asInt()).isEqualTo(1);
      assertThat(next.path("active_jupyterlab").asInt()).isEqualTo(1);
      assertThat(next.path("cpu_usage_percent").asDouble()).isEqualTo(10.0); // 5 + 20 * 2 / 8
      assertThat(next.path("gpu_info").get(0).path("utilization_gpu_percent").asDouble()).isEqualTo(30.0);
      SimHttp.await(() -> reportsByHost(after).keySet().size() == 3, WAIT, "reports of the other nodes");
      assertThat(reportsByHost(after).get("sim-01").path("total_containers").asInt()).isZero();

      assertThat(cluster.runningContainers("sim-02")).singleElement().satisfies(c -> {
        assertThat(c.name()).isEqualTo("jupyter-alice");
        assertThat(c.labels()).containsEntry("gpuhub.user", "alice").containsEntry("gpuhub.managed", "true");
        assertThat(c.env()).containsEntry("GPUHUB_PORT", Integer.toString(port));
      });
      assertThat(cluster.runningContainers("sim-01")).isEmpty();
      assertThat(cluster.runningCounts()).containsExactly(Map.entry("sim-01", 0), Map.entry("sim-02", 1), Map.entry("sim-03", 0));
      assertThat(cluster.totalRunningContainers()).isEqualTo(1);
      assertThat(cluster.report("sim-02").totalContainers()).isEqualTo(1);
      assertThat(cluster.runtime("sim-02").responderPorts()).containsExactly(port);
    }
  }

  @Test
  void stopAgentSilencesOneNodeAndKeepsItsContainers() throws Exception {
    try (SimulatedCluster cluster = SimulatedCluster.start(discovery.url().toString(), TOKEN, 3, SPEC, INTERVAL)) {
      SimHttp.await(() -> reportsByHost(0).keySet().size() == 3, WAIT, "a heartbeat from every node");
      int port = SimHttp.freePort("127.0.0.1");
      cluster.runtime("sim-03").start(ContainerSpec.of("jupyter-carol", "img", List.of())
          .withEnv(Map.of("GPUHUB_PORT", Integer.toString(port))));

      cluster.stopAgent("sim-03");
      cluster.stopAgent("sim-03");
      Thread.sleep(100); // a beat cut short by the stop may still reach the stub
      long stopped = System.nanoTime();
      assertThatThrownBy(() -> SimHttp.get(cluster.apiUrl("sim-03").resolve("/containers"), TOKEN))
          .isInstanceOf(UncheckedIOException.class);
      Thread.sleep(INTERVAL.toMillis() * 4);
      Map<String, Long> counts = countsByHost(stopped);
      assertThat(counts).containsKeys("sim-01", "sim-02").doesNotContainKey("sim-03");
      assertThat(SimHttp.status("127.0.0.1", port, "carol").statusCode()).as("containers outlive their agent").isEqualTo(200);
      assertThat(cluster.runningContainers("sim-03")).hasSize(1);

      cluster.close();
      assertThatThrownBy(() -> SimHttp.status("127.0.0.1", port, "carol")).isInstanceOf(UncheckedIOException.class);
      assertThatThrownBy(() -> SimHttp.get(cluster.apiUrl("sim-01").resolve("/containers"), TOKEN))
          .isInstanceOf(UncheckedIOException.class);
    }
  }

  @Test
  void distinctLoopbackAddressesLetTwoNodesUseTheSamePort() {
    assumeTrue(canBind("127.1.0.2"), "this OS does not route 127.1.0.0/16 to loopback");
    try (SimulatedCluster cluster = SimulatedCluster.start(discovery.url().toString(), TOKEN, 2, SPEC, INTERVAL, true)) {
      assertThat(cluster.ip("sim-01")).isEqualTo("127.1.0.1");
      assertThat(cluster.ip("sim-02")).isEqualTo("127.1.0.2");
      SimHttp.await(() -> reportsByHost(0).keySet().size() == 2, WAIT, "a heartbeat from every node");
      assertThat(reportsByHost(0).get("sim-02").path("ip").asText()).isEqualTo("127.1.0.2");
      int port = SimHttp.freePort("127.1.0.1");
      for (String h : cluster.hostnames()) {
        HttpResponse<String> r = SimHttp.post(cluster.apiUrl(h).resolve("/containers"), TOKEN, SimHttp.spec("jupyter-dan", port, 1, GIB));
        assertThat(r.statusCode()).as(h + ": " + r.body()).isEqualTo(201);
        assertThat(SimHttp.status(cluster.ip(h), port, "dan").statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void namesGrowWithTheNodeCountAndArgumentsAreChecked() {
    assertThat(SimulatedCluster.loopbackIp(1)).isEqualTo("127.1.0.1");
    assertThat(SimulatedCluster.loopbackIp(250)).isEqualTo("127.1.0.250");
    assertThat(SimulatedCluster.loopbackIp(251)).isEqualTo("127.1.1.1");
    String url = discovery.url().toString();
    assertThatThrownBy(() -> SimulatedCluster.start(url, TOKEN, 0, SPEC, INTERVAL)).hasMessageContaining("nodes must be 1 to 1000");
    assertThatThrownBy(() -> SimulatedCluster.start(url, "short", 1, SPEC, INTERVAL)).hasMessageContaining("too short");
    assertThatThrownBy(() -> SimulatedCluster.start("ftp://x", TOKEN, 1, SPEC, INTERVAL)).hasMessageContaining("--server");
    assertThatThrownBy(() -> SimulatedCluster.start(url, TOKEN, 1, SPEC, Duration.ZERO)).hasMessageContaining("heartbeatInterval");
    try (SimulatedCluster cluster = SimulatedCluster.start(url, TOKEN, 100, SPEC, Duration.ofMinutes(1))) {
      assertThat(cluster.hostnames()).hasSize(100).startsWith("sim-001", "sim-002").endsWith("sim-100");
      assertThatThrownBy(() -> cluster.runtime("sim-01")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no simulated node 'sim-01'");
      SimHttp.await(() -> reportsByHost(0).keySet().size() == 100, WAIT, "a heartbeat from every node");
    }
  }

  @Test
  void aBurstOfTwoHundredStartsThroughTheNodeApisAllAnswer() throws Exception {
    SimulatedNodeSpec big = SimulatedNodeSpec.parse("cores=64,ram=512G,max_containers=100");
    try (SimulatedCluster cluster = SimulatedCluster.start(discovery.url().toString(), TOKEN, 4, big, Duration.ofSeconds(1))) {
      Set<Integer> ports = new java.util.LinkedHashSet<>();
      while (ports.size() < 200) ports.add(SimHttp.freePort("127.0.0.1"));
      List<Integer> portList = List.copyOf(ports);
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(32);
      try {
        List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
        for (int i = 0; i < portList.size(); i++) {
          int n = i;
          String host = cluster.hostnames().get(n % 4);
          answers.add(pool.submit(() -> {
            HttpResponse<String> r = SimHttp.post(cluster.apiUrl(host).resolve("/containers"), TOKEN,
                SimHttp.spec("jupyter-u" + n, portList.get(n), 0.5, GIB));
            if (r.statusCode() != 201) return r.statusCode();
            return SimHttp.status("127.0.0.1", portList.get(n), "u" + n).statusCode();
          }));
        }
        for (var a : answers) assertThat(a.get()).isEqualTo(200);
        assertThat(cluster.totalRunningContainers()).isEqualTo(200);
        assertThat(cluster.runningCounts().values()).containsOnly(50);
        assertThat(cluster.report("sim-01").cpuUsagePercent()).isEqualTo(12.81); // 5 + 20 * 25 / 64, rounded
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** The latest report of each host among the requests received after {@code sinceNanos}. */
  private Map<String, JsonNode> reportsByHost(long sinceNanos) {
    return discovery.requests().stream().filter(r -> r.atNanos() > sinceNanos).map(r -> json(r.body()))
        .collect(Collectors.toMap(j -> j.path("hostname").asText(), j -> j, (a, b) -> b));
  }

  private Map<String, Long> countsByHost(long sinceNanos) {
    return discovery.requests().stream().filter(r -> r.atNanos() > sinceNanos)
        .collect(Collectors.groupingBy(r -> json(r.body()).path("hostname").asText(), Collectors.counting()));
  }

  private static boolean canBind(String ip) {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
