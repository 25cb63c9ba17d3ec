package dev.gpuhub.agent.sim;

import static dev.gpuhub.agent.sim.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.agent.AgentConfig;
import dev.gpuhub.agent.AgentDaemon;
import dev.gpuhub.agent.LogCapture;
import dev.gpuhub.agent.StubDiscoveryServer;
import dev.gpuhub.agent.StubDiscoveryServer.Answer;
import dev.gpuhub.wire.AgentAuth;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent of {@code gpuhub agent --simulate}: real heartbeats and node API, simulated node behind them. */
class SimulatedAgentTest {
  private static final String TOKEN = AgentAuth.generateToken();
  private static final String IP = "127.0.0.1";
  private static final long GIB = 1L << 30;

  private StubDiscoveryServer discovery;
  private AgentDaemon agent;
  private URI api;
  private LogCapture log;

  @BeforeEach
  void start() {
    discovery = StubDiscoveryServer.start(TOKEN, n -> Answer.OK);
    log = LogCapture.of(SimulatedAgent.class);
    AgentConfig config = AgentConfig.of(discovery.url().toString(), TOKEN).withHostname("sim-1").withIp(IP)
        .withInterval(Duration.ofSeconds(30)).withCpuSample(Duration.ofMillis(100)).withApiPort(0);
    agent = SimulatedAgent.create(config, SimulatedNodeSpec.parse("cores=24,ram=64G,gpus=1,max_containers=60")).start();
    api = URI.create("http://" + IP + ":" + agent.apiPort().orElseThrow());
    SimHttp.await(() -> agent.sentOk() >= 1, Duration.ofSeconds(10), "the first heartbeat");
  }

  @AfterEach
  void stop() {
    agent.close();
    discovery.close();
    log.close();
  }

  @Test
  void saysItIsSimulatedAndReportsTheDeclaredNodeWithItsApiPort() {
    assertThat(log.messages(Level.WARN)).singleElement().satisfies(m -> assertThat(m)
        .startsWith("SIMULATED node sim-1 at 127.0.0.1 (cores=24,ram=64G,gpus=1,max_containers=60,cpu_base=5,mem_base=5)")
        .contains("not run"));
    JsonNode sent = json(discovery.requests().get(0).body());
    assertThat(sent.path("hostname").asText()).isEqualTo("sim-1");
    assertThat(sent.path("ip").asText()).isEqualTo(IP);
    assertThat(sent.path("cpu_cores").asInt()).isEqualTo(24);
    assertThat(sent.path("ram_gb").asDouble()).isEqualTo(64.0);
    assertThat(sent.path("max_containers").asInt()).isEqualTo(60);
    assertThat(sent.path("gpu_info").get(0).path("uuid").asText()).isEqualTo("GPU-sim-sim-1-0");
    assertThat(sent.path("agent_port").asInt()).isEqualTo(api.getPort());
    assertThat(discovery.requests().get(0).authorization()).isEqualTo("Bearer " + TOKEN);
  }

  @Test
  void aStartedContainerAnswersTheHubsProbeUntilItIsRemovedAndShowsInTheReport() {
    int port = SimHttp.freePort(IP);
    HttpResponse<String> created = SimHttp.post(api.resolve("/containers"), TOKEN, SimHttp.spec("jupyter-alice", port, 2, 8 * GIB));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = json(created.body()).path("id").asText();

    HttpResponse<String> probe = SimHttp.status(IP, port, "alice");
    assertThat(probe.statusCode()).isEqualTo(200);
    assertThat(probe.body()).isEqualTo("{\"simulated\":true}");
    assertThat(SimHttp.get(api.resolve("/containers/" + id), TOKEN).statusCode()).isEqualTo(200);

    assertThat(agent.beatOnce().isOk()).isTrue();
    JsonNode report = json(last(discovery.requests()).body());
    assertThat(report.path("total_containers").asInt()).isEqualTo(1);
    assertThat(report.path("active_jupyterlab").asInt()).isEqualTo(1);
    assertThat(report.path("cpu_usage_percent").asDouble()).isEqualTo(5 + 20 * 2 / 24.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(report.path("memory_usage_percent").asDouble()).isEqualTo(7.5);

    HttpResponse<String> removed = SimHttp.delete(api.resolve("/containers/" + id), TOKEN);
    assertThat(removed.statusCode()).isEqualTo(200);
    assertThat(json(removed.body()).path("removed").asBoolean()).isTrue();
    assertThatThrownBy(() -> SimHttp.status(IP, port, "alice")).isInstanceOf(UncheckedIOException.class);
    assertThat(agent.beatOnce().isOk()).isTrue();
    assertThat(json(last(discovery.requests()).body()).path("total_containers").asInt()).isZero();
  }

  @Test
  void aPortThatIsTakenMakesTheStartAnErrorNamingThePort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(IP))) {
      int port = taken.getLocalPort();
      HttpResponse<String> r = SimHttp.post(api.resolve("/containers"), TOKEN, SimHttp.spec("jupyter-bob", port, 1, GIB));
      assertThat(r.statusCode()).isEqualTo(500);
      assertThat(json(r.body()).path("error").asText()).contains("port " + port).contains("already in use");
      assertThat(json(SimHttp.get(api.resolve("/containers"), TOKEN).body()).path("containers")).isEmpty();
    }
  }

  @Test
  void theNodeApiStillWantsTheToken() {
    HttpResponse<String> r = SimHttp.post(api.resolve("/containers"), null, SimHttp.spec("jupyter-eve", 1, 1, GIB));
    assertThat(r.statusCode()).isEqualTo(401);
    HttpResponse<String> wrong = SimHttp.get(api.resolve("/containers"), "another-token-of-sufficient-length");
    assertThat(wrong.statusCode()).isEqualTo(401);
  }

  private static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }
}
