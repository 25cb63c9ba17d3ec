package dev.gpuhub.agent.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.gpuhub.agent.LogCapture;
import dev.gpuhub.agent.StubDiscoveryServer;
import dev.gpuhub.agent.StubDiscoveryServer.Answer;
import dev.gpuhub.core.node.GpuDevice;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.wire.AgentAuth;
import dev.gpuhub.wire.NodeReportParser;
import dev.gpuhub.wire.WireJson;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeartbeatClientTest {
  static final String TOKEN = AgentAuth.generateToken();
  static final NodeReport REPORT = new NodeReport("node-a", "10.0.0.5", 16, 62.79, 12.5, 40.1, 71.0, true,
      List.of(new GpuDevice("NVIDIA H100 80GB HBM3", 0, "GPU-1", 81559L, 1L, 0.0, 0.0, 30.0)),
      10, true, 1, 1, 0, Instant.parse("2026-03-01T12:00:00Z"));

  @Test
  void postsTheReportWithTokenAndAFreshNonce() throws Exception {
    try (StubDiscoveryServer server = StubDiscoveryServer.start(TOKEN, n -> Answer.OK)) {
      HeartbeatClient client = new HeartbeatClient(server.url(), TOKEN);
      assertThat(client.send(REPORT)).isEqualTo(HeartbeatResult.ok(200));
      assertThat(client.send(REPORT).isOk()).isTrue();

      List<StubDiscoveryServer.Request> requests = server.requests();
      assertThat(requests).hasSize(2).allSatisfy(r -> {
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN);
        assertThat(r.nonce()).isNotBlank();
        assertThat(r.contentType()).isEqualTo("application/json");
      });
      assertThat(requests.get(0).nonce()).isNotEqualTo(requests.get(1).nonce());
      assertThat(NodeReportParser.parse(WireJson.mapper().readTree(requests.get(0).body()))).isEqualTo(REPORT);
    }
  }

  @Test
  void aWrongOrMissingProofIsAFailureLoggedAsAnError() {
    try (StubDiscoveryServer server = StubDiscoveryServer.start(TOKEN, n -> n == 0 ? Answer.WRONG_PROOF : Answer.NO_PROOF);
        LogCapture log = LogCapture.of(HeartbeatClient.class)) {
      HeartbeatClient client = new HeartbeatClient(server.url(), TOKEN);
      assertThat(client.send(REPORT).outcome()).isEqualTo(HeartbeatResult.Outcome.BAD_PROOF);
      assertThat(client.send(REPORT).outcome()).isEqualTo(HeartbeatResult.Outcome.BAD_PROOF);
      assertThat(log.messages(Level.ERROR)).hasSize(2).allSatisfy(m -> assertThat(m)
          .contains("server at " + server.url() + " could not prove it knows GPUHUB_AGENT_TOKEN"));
    }
  }

  @Test
  void unauthorizedNamesTheTokenVariable() {
    try (StubDiscoveryServer server = StubDiscoveryServer.start(TOKEN, n -> Answer.UNAUTHORIZED);
        LogCapture log = LogCapture.of(HeartbeatClient.class)) {
      HeartbeatResult result = new HeartbeatClient(server.url(), TOKEN).send(REPORT);
      assertThat(result.outcome()).isEqualTo(HeartbeatResult.Outcome.HTTP_ERROR);
      assertThat(result.status()).isEqualTo(401);
      assertThat(result.detail()).contains("stub says UNAUTHORIZED");
      assertThat(log.messages(Level.ERROR)).singleElement().satisfies(m -> assertThat(m).contains("GPUHUB_AGENT_TOKEN"));
    }
  }

  @Test
  void noServerIsAnErrorResultNotAnException() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    HeartbeatResult result = new HeartbeatClient(URI.create("http://127.0.0.1:" + port), TOKEN).send(REPORT);
    assertThat(result.outcome()).isEqualTo(HeartbeatResult.Outcome.ERROR);
    assertThat(result.detail()).contains("not reachable");
  }

  @Test
  void endpointKeepsAPathPrefix() {
    assertThat(new HeartbeatClient(URI.create("https://hub.example.org/discovery/"), TOKEN).endpoint())
        .isEqualTo(URI.create("https://hub.example.org/discovery/register-node"));
    assertThat(new HeartbeatClient(URI.create("http://10.0.0.1:15002"), TOKEN).endpoint())
        .isEqualTo(URI.create("http://10.0.0.1:15002/register-node"));
  }
}
