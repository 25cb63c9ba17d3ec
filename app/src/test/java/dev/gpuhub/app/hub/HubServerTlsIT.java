package dev.gpuhub.app.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.server.hub.spawn.ActiveServer;
import dev.gpuhub.server.hub.spawn.SpawnerConfig;
import dev.gpuhub.wire.WireJson;
import dev.gpuhub.wire.tls.Pki;
import dev.gpuhub.wire.tls.TlsIdentity;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub speaks HTTPS to users' servers (JupyterHub's internal_ssl): each server serves with a
 * certificate of the cluster CA issued for it, so a capture on the node's workload bridge, where
 * the hub's proxied traffic reaches the container, sees neither the server's token nor the
 * student's data, while the same capture on a hub configured for plain HTTP (a server command
 * without {certfile}/{keyfile}, as every server was before) sees both.
 */
class HubServerTlsIT {
  static final int CAPTURE_SECONDS = 8;
  @TempDir Path dir;

  @Test
  void proxiedTrafficToAServerIsEncryptedAndOnlyTheIssuedServerAnswers() throws Exception {
    try (HubFixture hub = new HubFixture(dir.resolve("tls"), Map.of())) {
      HubClient gwen = hub.userWithServer("gwen");
      try {
        ActiveServer.Snapshot s = hub.plane.hub().spawner().server("gwen").orElseThrow().snapshot();
        String api = "://" + s.nodeIp() + ":" + s.port() + "/user/gwen/api";
        // With the cluster CA as the only trust: the server's own certificate, for the node's address.
        HttpResponse<String> direct = client(TlsIdentity.trustingOnly(hub.plane.authority().ca()))
            .send(HttpRequest.newBuilder(URI.create("https" + api)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(direct.statusCode()).isEqualTo(200);
        X509Certificate cert = (X509Certificate) direct.sslSession().orElseThrow().getPeerCertificates()[0];
        assertThat(Pki.commonName(cert)).isEqualTo("gpuhub-gwen");
        assertThat(Pki.role(cert)).isEqualTo(Pki.ROLE_WORKLOAD);
        assertThat(cert.getSubjectAlternativeNames().stream().map(n -> (Object) n.get(1)).toList()).containsExactly(s.nodeIp());
        cert.verify(hub.plane.authority().ca().getPublicKey());
        // Without it, the handshake fails; and the port speaks no plain HTTP.
        assertThatThrownBy(() -> client(javax.net.ssl.SSLContext.getDefault())
            .send(HttpRequest.newBuilder(URI.create("https" + api)).build(), HttpResponse.BodyHandlers.ofString()))
            .isInstanceOf(SSLHandshakeException.class);
        assertThat(plainAnswer("http" + api)).as("plain HTTP to the server's port").isNotEqualTo(200);

        JsonNode seen = captureWhileWorking(hub, gwen, "gwen", s.token());
        assertThat(seen.path("frames").asInt()).as("frames on the bridge: %s", seen).isGreaterThan(10);
        assertThat(seen.path("marker").asBoolean()).as("the student's data in clear: %s", seen).isFalse();
        assertThat(seen.path("found")).as("secrets in clear: %s", seen).isEmpty();
      } finally {
        gwen.api("DELETE", "/hub/api/users/gwen/server", null);
      }
    }
  }

  @Test
  void theSameCaptureSeesEverythingWhenServersServePlainHttp() throws Exception {
    String plain = SpawnerConfig.PLAIN_HTTP_COMMAND;
    try (HubFixture hub = new HubFixture(dir.resolve("plain"), Map.of("GPUHUB_NOTEBOOK_COMMAND", plain))) {
      HubClient hank = hub.userWithServer("hank");
      try {
        ActiveServer.Snapshot s = hub.plane.hub().spawner().server("hank").orElseThrow().snapshot();
        JsonNode seen = captureWhileWorking(hub, hank, "hank", s.token());
        assertThat(seen.path("marker").asBoolean()).as("the capture works: %s", seen).isTrue();
        assertThat(seen.path("found").toString()).as("%s", seen).contains("server_token");
      } finally {
        hank.api("DELETE", "/hub/api/users/hank/server", null);
      }
    }
  }

  /**
   * Captures on the node's workload bridge (where the proxied traffic enters the container) while
   * the student saves and reads back a file through the hub.
   */
  private static JsonNode captureWhileWorking(HubFixture hub, HubClient student, String user, String token)
      throws Exception {
    String marker = "secret-thesis-" + Long.toHexString(System.nanoTime());
    ProcessBuilder pb = new ProcessBuilder("python3", "-c", HubHostileUserIT.SNIFFER).redirectErrorStream(true);
    pb.environment().put("NEEDLES", "server_token=" + token);
    pb.environment().put("MARKER", marker);
    pb.environment().put("SECONDS", Integer.toString(CAPTURE_SECONDS));
    pb.environment().put("IFACE", bridgeOf(hub.dockerd, hub.nodeIp));
    Process sniffer = pb.start();
    var lines = new java.io.BufferedReader(new java.io.InputStreamReader(sniffer.getInputStream()));
    assertThat(lines.readLine()).isEqualTo("SNIFFING");
    String body = "{\"type\":\"file\",\"format\":\"text\",\"content\":\"" + marker + "\"}";
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> put = student.api("PUT", "/user/" + user + "/api/contents/thesis.txt", body);
      assertThat(put.statusCode()).as(put.body()).isIn(200, 201);
      HttpResponse<String> get = student.api("GET", "/user/" + user + "/api/contents/thesis.txt", null);
      assertThat(get.body()).contains(marker);
      HubFixture.sleep(300);
    }
    List<String> out = new ArrayList<>();
    for (String l; (l = lines.readLine()) != null; ) out.add(l);
    assertThat(sniffer.waitFor(CAPTURE_SECONDS + 10, TimeUnit.SECONDS)).isTrue();
    String result = out.stream().filter(l -> l.startsWith("SNIFF ")).findFirst()
        .orElseThrow(() -> new AssertionError("the capture printed " + out));
    System.out.println("HubServerTlsIT: " + CAPTURE_SECONDS + " s capture on the workload bridge, servers "
        + hub.plane.hub().spawner().tls().httpScheme() + ": " + result);
    return WireJson.mapper().readTree(result.substring(6));
  }

  /** The host's interface holding {@code ip}: the bridge of the test dockerd's workload network. */
  private static String bridgeOf(dev.gpuhub.testkit.LocalDockerd dockerd, String ip) throws Exception {
    Process p = new ProcessBuilder("ip", "-o", "-4", "addr", "show").redirectErrorStream(true).start();
    String all = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    for (String line : all.lines().toList()) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 3 && f[3].startsWith(ip + "/")) return f[1];
    }
    throw new AssertionError("no interface holds " + ip + ":\n" + all);
  }

  private static int plainAnswer(String url) {
    try {
      return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
          .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static HttpClient client(javax.net.ssl.SSLContext tls) {
    return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
  }
}
