package dev.gpuhub.app.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.gpuhub.agent.heartbeat.HeartbeatClient;
import dev.gpuhub.agent.heartbeat.HeartbeatResult;
import dev.gpuhub.agent.trust.ClusterJoin;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.wire.tls.Pki;
import dev.gpuhub.wire.tls.TlsIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster trust with two real dockerds as two nodes: both agents joined the cluster with the join
 * secret (the second pinning the CA by fingerprint) and got certificates of their own; heartbeats
 * and node API calls are mutual TLS. A node's certificate cannot register as the other node or
 * call a node API; a revoked node is drained (its servers stopped, its containers removed, out of
 * placement at once) and refused; a man in the middle with a self-made certificate is
 * refused by the agent, by the control plane and by the node API; the shared token is not taken
 * over plain HTTP from another address.
 */
class ClusterTrustIT {
  static final String NODE_B = "trust-node-b";
  @TempDir static Path dir;
  static HubFixture hub;
  static SecondNode second;

  @BeforeAll
  static void start() {
    hub = new HubFixture(dir, Map.of());
    second = SecondNode.start(hub, NODE_B);
  }

  @AfterAll
  static void stop() {
    if (second != null) second.close();
    if (hub != null) hub.close();
  }

  @Test
  void nodesJoinWithTheirOwnCertificatesAndNobodyElseGetsIn() throws Exception {
    TlsIdentity a = hub.agent.identity().orElseThrow();
    TlsIdentity b = second.agent.identity().orElseThrow();
    X509Certificate ca = hub.plane.authority().ca();
    assertThat(Pki.commonName(a.certificate())).isEqualTo(HubFixture.NODE);
    assertThat(Pki.commonName(b.certificate())).isEqualTo(NODE_B);
    a.certificate().verify(ca.getPublicKey());
    b.certificate().verify(ca.getPublicKey());
    assertThat(a.certificate().getSerialNumber()).isNotEqualTo(b.certificate().getSerialNumber());
    TlsIdentity plane = hub.plane.authority().controlPlane();
    String cluster = "https://" + hub.nodeIp + ":" + hub.plane.clusterPort();

    // heartbeats: each node as itself only
    assertThat(post(b.sslContext(), cluster + "/register-node", report(NODE_B)).statusCode()).isEqualTo(200);
    HttpResponse<String> asA = post(b.sslContext(), cluster + "/register-node", report(HubFixture.NODE));
    assertThat(asA.statusCode()).as(asA.body()).isEqualTo(403);
    assertThat(asA.body()).contains("node " + NODE_B + "'s; it cannot speak for " + HubFixture.NODE);

    // the node API: TLS only, the control plane only
    String nodeApiA = "https://" + hub.nodeIp + ":" + hub.agent.apiPort().orElseThrow() + "/containers";
    assertThat(get(plane.sslContext(), nodeApiA).statusCode()).isEqualTo(200);
    HttpResponse<String> byNode = get(b.sslContext(), nodeApiA);
    assertThat(byNode.statusCode()).as("another node's certificate").isEqualTo(403);
    assertThat(byNode.body()).contains("only the control plane");
    assertThatThrownBy(() -> get(null, nodeApiA.replace("https://", "http://")))
        .as("plain HTTP to the node API").isInstanceOf(IOException.class);

    // a man in the middle with a self-made CA: refused by the control plane, the node API and the agent
    KeyPair fakeCaKeys = Pki.newKeyPair();
    X509Certificate fakeCa = Pki.selfSignedCa(fakeCaKeys, "gpuhub cluster CA", Duration.ofDays(1));
    TlsIdentity fakeNode = forged(fakeCa, fakeCaKeys, HubFixture.NODE, Pki.ROLE_NODE, hub.nodeIp);
    TlsIdentity fakePlane = forged(fakeCa, fakeCaKeys, "gpuhub-control-plane", Pki.ROLE_CONTROL_PLANE, hub.nodeIp);
    assertThatThrownBy(() -> post(fakeNode.sslContext(), cluster + "/register-node", report(HubFixture.NODE)))
        .as("the control plane, to a forged node certificate").isInstanceOf(IOException.class);
    assertThatThrownBy(() -> get(fakePlane.sslContext(), nodeApiA))
        .as("the node API, to a forged control-plane certificate").isInstanceOf(IOException.class);
    HttpsServer impostor = HttpsServer.create(new InetSocketAddress(InetAddress.getByName(hub.nodeIp), 0), 8);
    impostor.setHttpsConfigurator(new HttpsConfigurator(fakePlane.sslContext()));
    impostor.createContext("/", x -> {
      byte[] ok = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(200, ok.length);
      x.getResponseBody().write(ok);
      x.close();
    });
    impostor.start();
    try {
      HeartbeatClient toImpostor = new HeartbeatClient(URI.create("http://" + hub.nodeIp + ":1"), hub.token);
      toImpostor.overTls(URI.create("https://" + hub.nodeIp + ":" + impostor.getAddress().getPort()), a.sslContext());
      HeartbeatResult r = toImpostor.send(nodeReport());
      assertThat(r.isOk()).as("the agent, to a forged control plane: " + r.describe()).isFalse();
      // and a join pinned to the real CA refuses a server presenting another
      ClusterJoin.Outcome pinned = ClusterJoin.attempt(URI.create(hub.plane.discoveryUrl()), hub.token, "x", hub.nodeIp,
          Pki.fingerprint(fakeCa));
      assertThat(pinned).isInstanceOfSatisfying(ClusterJoin.Failed.class,
          f -> assertThat(f.why()).contains("is not the one this agent was told to trust"));
    } finally {
      impostor.stop(0);
    }

    // the shared token, right but over plain HTTP from another address than loopback, is refused
    HttpResponse<String> clear = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(hub.plane.discoveryUrl() + "/register-node")).header("Authorization", "Bearer " + hub.token)
        .POST(HttpRequest.BodyPublishers.ofString(report("sneaky"))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(clear.statusCode()).as(clear.body()).isEqualTo(403);
    assertThat(clear.body()).contains("plain HTTP from this machine only");

    // A revoked node is drained: a server spanning both nodes and a job replica's stand-in on B are
    // stopped and removed, B leaves placement at once, and its reports are refused until it joins again.
    long reported = System.nanoTime(); // after the hand-made reports above, B's agent reports its node API again
    while (hub.plane.discovery().liveNodes().stream().noneMatch(n -> n.hostname().equals(NODE_B) && n.agentPort() != null)) {
      assertThat(System.nanoTime() - reported).as("B reports its node API").isLessThan(Duration.ofSeconds(10).toNanos());
      HubFixture.sleep(100);
    }
    HubClient frank = new HubClient(hub.hubUrl);
    assertThat(frank.signUpAndLogIn("frank", "frank-password-1").statusCode()).isEqualTo(302);
    assertThat(frank.form("/hub/spawn", Map.of("profile", "multi-cpu", "image", hub.image, "node_count", "2"))
        .statusCode()).isEqualTo(302);
    assertThat(HubEndToEndIT.followProgress(frank, "frank").path("ready").asBoolean()).isTrue();
    assertThat(hub.plane.hub().spawner().server("frank").orElseThrow().snapshot().nodes()).contains(NODE_B);
    second.dockerd.docker("run", "-d", "--name", "stray-job-replica", "--label", "gpuhub.kind=job", "--label",
        dev.gpuhub.agent.api.NodeApi.MANAGED_LABEL + "=" + dev.gpuhub.agent.api.NodeApi.MANAGED_VALUE, "--network", "none",
        hub.image, "sleep", "600");
    assertThat(gpuhubContainers(second)).hasSizeGreaterThanOrEqualTo(2);
    assertThat(frankContainers(hub.dockerd)).isNotEmpty();
    HttpResponse<String> revokedAnswer = client(hub.plane.authority().controlPlane().sslContext()).send(
        HttpRequest.newBuilder(URI.create(cluster + "/nodes/" + NODE_B + "/revoke"))
            .header("Authorization", "Bearer " + hub.token).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(revokedAnswer.statusCode()).as(revokedAnswer.body()).isEqualTo(200);
    var drained = HubClient.json(revokedAnswer).path("drained");
    assertThat(drained.path("servers_stopped").asInt()).as(revokedAnswer.body()).isEqualTo(1);
    assertThat(drained.path("containers_removed").asInt()).as(revokedAnswer.body()).isGreaterThanOrEqualTo(1);
    assertThat(drained.path("node_answered").asBoolean()).isTrue();
    assertThat(gpuhubContainers(second)).as("nothing of gpuhub left on the revoked node").isEmpty();
    assertThat(frankContainers(hub.dockerd)).as("frank's server's part on the other node is stopped too").isEmpty();
    var frankServer = hub.plane.hub().spawner().server("frank").orElseThrow().snapshot();
    assertThat(frankServer.state().name()).isEqualTo("STOPPED");
    assertThat(frankServer.failureReason()).contains("revoked");
    assertThat(hub.plane.discovery().liveNodes()).extracting(NodeReport::hostname).doesNotContain(NODE_B);
    HttpResponse<String> revoked = post(b.sslContext(), cluster + "/register-node", report(NODE_B));
    assertThat(revoked.statusCode()).isEqualTo(403);
    assertThat(revoked.body()).contains("revoked");
  }

  /** Every container on the dockerd that carries gpuhub's kind label. */
  private static List<String> gpuhubContainers(dev.gpuhub.testkit.LocalDockerd dockerd) {
    return dockerd.docker("ps", "-aq", "--filter", "label=gpuhub.kind").lines().filter(l -> !l.isBlank()).toList();
  }

  private static List<String> frankContainers(dev.gpuhub.testkit.LocalDockerd dockerd) {
    return dockerd.docker("ps", "-aq", "--filter", "label=gpuhub.user=frank").lines().filter(l -> !l.isBlank()).toList();
  }

  private static List<String> gpuhubContainers(SecondNode node) {
    return gpuhubContainers(node.dockerd);
  }

  private static TlsIdentity forged(X509Certificate fakeCa, KeyPair fakeCaKeys, String name, String role, String ip) {
    KeyPair keys = Pki.newKeyPair();
    return new TlsIdentity(keys.getPrivate(), Pki.issue(fakeCa, fakeCaKeys.getPrivate(), keys.getPublic(), name, role,
        List.of(ip), Duration.ofDays(1)), fakeCa);
  }

  private static NodeReport nodeReport() {
    return new NodeReport(HubFixture.NODE, hub.nodeIp, 2, 8.0, 1.0, 1.0, 1.0, false, List.of(), 10, true, 0, 0, 0,
        Instant.now());
  }

  private static String report(String hostname) {
    return "{\"hostname\":\"" + hostname + "\",\"ip\":\"" + hub.nodeIp + "\",\"cpu_cores\":2,\"ram_gb\":8.0,"
        + "\"cpu_usage_percent\":1.0,\"memory_usage_percent\":1.0,\"disk_usage_percent\":1.0,\"has_gpu\":false,"
        + "\"gpu_info\":[],\"max_containers\":10,\"is_active\":true,\"total_containers\":0,\"active_jupyterlab\":0,"
        + "\"active_ray\":0,\"last_updated\":\"" + Instant.now() + "\"}";
  }

  private static HttpResponse<String> post(SSLContext tls, String url, String body) throws Exception {
    return client(tls).send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(SSLContext tls, String url) throws Exception {
    return client(tls).send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpClient client(SSLContext tls) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    return (tls == null ? b : b.sslContext(tls)).build();
  }
}
