package dev.gpuhub.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.agent.StubDiscoveryServer.Answer;
import dev.gpuhub.agent.api.NodeApiServer;
import dev.gpuhub.agent.heartbeat.HeartbeatClient;
import dev.gpuhub.agent.heartbeat.HeartbeatResult;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.runtime.fake.InMemoryContainerRuntime;
import dev.gpuhub.wire.AgentAuth;
import dev.gpuhub.wire.WireJson;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class AgentDaemonTest {
  private static final String TOKEN = AgentAuth.generateToken();
  private static final NodeReport REPORT = new NodeReport("node-a", "10.0.0.5", 4, 15.5, 1.0, 2.0, 3.0, false,
      List.of(), 10, true, 0, 0, 0, Instant.parse("2026-03-01T12:00:00Z"));
  private static final Duration BACKOFF = Duration.ofMillis(50);

  private static AgentDaemon daemon(URI server, Duration interval, Supplier<NodeReport> reports) {
    return new AgentDaemon(reports, new HeartbeatClient(server, TOKEN), interval, BACKOFF, null);
  }

  @Test
  void backsOffExponentiallyThenResumesTheIntervalAndResetsTheBackoff() {
    // Requests 0-4 fail, 5-6 succeed, 7 fails, 8+ succeed; backoff 50 ms doubling, interval 1 s.
    try (StubDiscoveryServer server = StubDiscoveryServer.start(TOKEN,
        n -> n <= 4 || n == 7 ? Answer.UNAVAILABLE : Answer.OK);
        AgentDaemon agent = daemon(server.url(), Duration.ofSeconds(1), () -> REPORT).start()) {
      awaitTrue(() -> agent.sentOk() >= 3, Duration.ofSeconds(20));
      List<Long> gaps = gapsMillis(server.requests());
      assertThat(gaps.subList(0, 5)).as("retries after 1-5 failures").satisfies(g -> {
        assertThat(g.get(0)).isGreaterThanOrEqualTo(50);
        assertThat(g.get(1)).isGreaterThanOrEqualTo(100);
        assertThat(g.get(2)).isGreaterThanOrEqualTo(200);
        assertThat(g.get(3)).isGreaterThanOrEqualTo(400);
        assertThat(g.get(4)).isGreaterThanOrEqualTo(800);
      });
      assertThat(gaps.get(5)).as("interval after the first success").isGreaterThanOrEqualTo(900);
      assertThat(gaps.get(6)).as("interval").isGreaterThanOrEqualTo(900);
      assertThat(gaps.get(7)).as("retry after a new failure starts over at 50 ms, not 1 s").isLessThan(500);
      assertThat(agent.failed()).isEqualTo(6);
      assertThat(agent.lastResult()).hasValueSatisfying(r -> assertThat(r.isOk()).isTrue());
    }
  }

  @Test
  void aServerThatIsNotListeningYetIsRetriedUntilItIs() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (AgentDaemon agent = daemon(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(1), () -> REPORT).start()) {
      awaitTrue(() -> agent.failed() >= 2, Duration.ofSeconds(10));
      assertThat(agent.sentOk()).isZero();
      try (StubDiscoveryServer server = StubDiscoveryServer.startOn(port, TOKEN, n -> Answer.OK)) {
        awaitTrue(() -> agent.sentOk() >= 1, Duration.ofSeconds(10));
        assertThat(server.requests()).isNotEmpty();
      }
    }
  }

  @Test
  void aWrongProofCountsAsAFailedHeartbeat() {
    try (StubDiscoveryServer server = StubDiscoveryServer.start(TOKEN, n -> Answer.WRONG_PROOF);
        AgentDaemon agent = daemon(server.url(), Duration.ofSeconds(1), () -> REPORT)) {
      assertThat(agent.beatOnce().outcome()).isEqualTo(HeartbeatResult.Outcome.BAD_PROOF);
      assertThat(agent.failed()).isEqualTo(1);
      assertThat(agent.sentOk()).isZero();
    }
  }

  @Test
  void aCollectorThatThrowsDoesNotKillTheLoop() {
    AtomicInteger calls = new AtomicInteger();
    Supplier<NodeReport> flaky = () -> {
      if (calls.getAndIncrement() < 2) throw new IllegalStateException("OSHI exploded");
      return REPORT;
    };
    try (StubDiscoveryServer server = StubDiscoveryServer.start(TOKEN, n -> Answer.OK);
        AgentDaemon agent = daemon(server.url(), Duration.ofSeconds(1), flaky).start()) {
      awaitTrue(() -> agent.sentOk() >= 1, Duration.ofSeconds(10));
      assertThat(agent.failed()).isEqualTo(2);
    }
  }

  @Test
  void closeStopsTheLoop() throws Exception {
    try (StubDiscoveryServer server = StubDiscoveryServer.start(TOKEN, n -> Answer.UNAVAILABLE)) {
      AgentDaemon agent = daemon(server.url(), Duration.ofSeconds(1), () -> REPORT).start();
      awaitTrue(() -> server.requests().size() >= 2, Duration.ofSeconds(10));
      agent.close();
      int seen = server.requests().size();
      Thread.sleep(400);
      assertThat(server.requests()).hasSize(seen);
    }
  }

  @Test
  void heartbeatsCarryTheNodeApiPortWhileItListens() throws Exception {
    NodeApiServer api = new NodeApiServer(new InMemoryContainerRuntime(), TOKEN, "127.0.0.1", 0);
    try (StubDiscoveryServer server = StubDiscoveryServer.start(TOKEN, n -> Answer.OK);
        AgentDaemon agent = new AgentDaemon(() -> REPORT, new HeartbeatClient(server.url(), TOKEN),
            Duration.ofSeconds(1), BACKOFF, api, null)) {
      assertThat(agent.apiPort()).isEmpty();
      agent.start();
      int port = agent.apiPort().orElseThrow();
      awaitTrue(() -> agent.sentOk() >= 1, Duration.ofSeconds(10));
      JsonNode sent = WireJson.mapper().readTree(server.requests().get(0).body());
      assertThat(sent.path("agent_port").asInt()).isEqualTo(port);
      assertThat(get(port, "/containers").statusCode()).isEqualTo(200);
      agent.close();
      assertThat(agent.apiPort()).isEmpty();
      assertThatThrownBy(() -> get(port, "/containers")).isInstanceOf(java.net.ConnectException.class);
    }
  }

  @Test
  void withoutANodeApiHeartbeatsCarryNoPort() throws Exception {
    try (StubDiscoveryServer server = StubDiscoveryServer.start(TOKEN, n -> Answer.OK);
        AgentDaemon agent = daemon(server.url(), Duration.ofSeconds(1), () -> REPORT)) {
      assertThat(agent.beatOnce().isOk()).isTrue();
      assertThat(agent.apiPort()).isEmpty();
      assertThat(WireJson.mapper().readTree(server.requests().get(0).body()).path("agent_port").isNull()).isTrue();
    }
  }

  @Test
  void aNodeApiThatCannotListenFailsStartAndClosesTheAgent() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        StubDiscoveryServer server = StubDiscoveryServer.start(TOKEN, n -> Answer.OK)) {
      AgentDaemon agent = new AgentDaemon(() -> REPORT, new HeartbeatClient(server.url(), TOKEN), Duration.ofSeconds(1),
          BACKOFF, new NodeApiServer(new InMemoryContainerRuntime(), TOKEN, "127.0.0.1", taken.getLocalPort()), null);
      assertThatThrownBy(agent::start).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("127.0.0.1:" + taken.getLocalPort()).hasMessageContaining("--api-port");
      assertThatThrownBy(agent::start).hasMessageContaining("closed");
      Thread.sleep(200);
      assertThat(server.requests()).isEmpty();
    }
  }

  @Test
  void createWiresTheNodeApiToTheReportedAddress() throws Exception {
    try (StubDiscoveryServer server = StubDiscoveryServer.start(TOKEN, n -> Answer.OK)) {
      AgentConfig config = AgentConfig.of(server.url().toString(), TOKEN).withIp("127.0.0.1").withApiPort(0)
          .withCpuSample(Duration.ofMillis(20)).withNvidiaSmiPath("/nonexistent/nvidia-smi")
          .withDockerHost("unix:///nonexistent/docker.sock");
      try (AgentDaemon agent = AgentDaemon.create(config).start()) {
        int port = agent.apiPort().orElseThrow();
        awaitTrue(() -> agent.sentOk() >= 1, Duration.ofSeconds(10));
        JsonNode sent = WireJson.mapper().readTree(server.requests().get(0).body());
        assertThat(sent.path("ip").asText()).isEqualTo("127.0.0.1");
        assertThat(sent.path("agent_port").asInt()).isEqualTo(port);
        HttpResponse<String> list = get(port, "/containers");
        assertThat(list.statusCode()).as("Docker is absent: the API says so").isEqualTo(503);
        assertThat(list.body()).contains("nonexistent/docker.sock");
      }
      try (AgentDaemon noApi = AgentDaemon.create(config.withApiPort(AgentConfig.API_DISABLED)).start()) {
        assertThat(noApi.apiPort()).isEmpty();
      }
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10)).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static List<Long> gapsMillis(List<StubDiscoveryServer.Request> requests) {
    return java.util.stream.IntStream.range(1, requests.size())
        .mapToObj(i -> (requests.get(i).atNanos() - requests.get(i - 1).atNanos()) / 1_000_000).toList();
  }

  static void awaitTrue(BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("condition not met within " + timeout);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted");
      }
    }
  }
}
