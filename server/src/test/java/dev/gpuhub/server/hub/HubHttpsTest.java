package dev.gpuhub.server.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.server.ControlPlane;
import dev.gpuhub.server.ServerConfig;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.wire.AgentAuth;
import dev.gpuhub.wire.tls.Pki;
import dev.gpuhub.wire.tls.TlsIdentity;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub serves HTTPS, and HTTPS only, with the certificate an administrator configured. */
class HubHttpsTest {
  @TempDir Path dir;

  @Test
  void theHubServesHttpsWithTheConfiguredCertificateAndNothingInClear() throws Exception {
    KeyPair caKeys = Pki.newKeyPair();
    X509Certificate labCa = Pki.selfSignedCa(caKeys, "lab CA", Duration.ofDays(30));
    KeyPair hubKeys = Pki.newKeyPair();
    X509Certificate hubCert = Pki.issue(labCa, caKeys.getPrivate(), hubKeys.getPublic(), "hub.lab", "web",
        List.of("127.0.0.1", "hub.lab"), Duration.ofDays(30));
    Path cert = Files.writeString(dir.resolve("hub.crt"), Pki.pem(hubCert) + Pki.pem(labCa));
    Path key = Files.writeString(dir.resolve("hub.key"), Pki.pem(hubKeys.getPrivate()));
    Map<String, String> env = new HashMap<>(Map.of("GPUHUB_AGENT_TOKEN", AgentAuth.generateToken(), "API_PORT", "0",
        "HUB_PORT", "0", "GPUHUB_BIND", "127.0.0.1", "GPUHUB_DATA_DIR", dir.resolve("data").toString()));
    env.put("GPUHUB_TLS_CERT", cert.toString());
    env.put("GPUHUB_TLS_KEY", key.toString());
    try (ControlPlane plane = ControlPlane.start(ServerConfig.fromEnv(env), StoreConfig.fromEnv(env))) {
      String url = plane.hub().url();
      assertThat(url).startsWith("https://127.0.0.1:");
      HttpClient trusting = HttpClient.newBuilder().sslContext(TlsIdentity.trustingOnly(labCa)).build();
      HttpResponse<String> login = trusting.send(HttpRequest.newBuilder(URI.create(url + "/hub/login")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).isEqualTo(200);
      assertThat(login.sslSession()).isPresent();
      assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(url.replace("https://", "http://") + "/hub/login")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString())).as("plain HTTP on the hub's port").isInstanceOf(IOException.class);
    }
  }

  @Test
  void halfAConfigurationOrAnUnusableFileIsRefusedNamingTheSetting() throws Exception {
    assertThat(HubTls.fromEnv(Map.of())).isNull();
    assertThatThrownBy(() -> HubTls.fromEnv(Map.of("GPUHUB_TLS_CERT", "/x.crt"))).hasMessageContaining("GPUHUB_TLS_KEY is missing");
    Path cert = Files.writeString(dir.resolve("c.pem"), Pki.pem(Pki.selfSignedCa(Pki.newKeyPair(), "x", Duration.ofDays(1))));
    Path notKey = Files.writeString(dir.resolve("k.pem"), "not a key");
    assertThatThrownBy(() -> new HubTls(cert, notKey).context()).hasMessageStartingWith("GPUHUB_TLS_KEY: cannot use");
    assertThatThrownBy(() -> new HubTls(dir.resolve("missing.pem"), notKey).context())
        .hasMessageStartingWith("GPUHUB_TLS_CERT: cannot use");
  }
}
