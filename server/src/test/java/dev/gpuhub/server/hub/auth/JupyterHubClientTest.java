package dev.gpuhub.server.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.wire.WireJson;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JupyterHub's own Python client ({@code jupyterhub.services.auth.HubOAuth}, Debian's
 * {@code jupyterhub} 3.0 package, which {@code scripts/test.sh} installs) against the hub's routes:
 * it identifies users by token with their scopes, grants alice access and refuses bob by those
 * scopes, gets nobody for an unknown token, swaps an OAuth code for a token once.
 */
class JupyterHubClientTest {
  /** Debian's Python, which has Debian's jupyterhub package (not a python3 earlier on PATH). */
  static final Path PYTHON = Path.of("/usr/bin/python3");
  @TempDir Path dataDir;

  @Test
  void jupyterHubsHubOAuthIdentifiesUsersAndSwapsCodes() throws Exception {
    try (AuthApp hub = AuthApp.start(dataDir, HubAuthConfig.defaults(Set.of()))) {
      String serverToken = ApiTokens.generate();
      hub.auth.serverTokens().register("alice", "", serverToken, "/user/alice/oauth_callback");
      String alice = hub.userWithToken("alice", false);
      String bob = hub.userWithToken("bob", false);
      Browser browser = hub.browser();
      assertThat(browser.logIn("alice", "password-of-alice").statusCode()).isEqualTo(302);
      HttpResponse<String> granted = browser.get("/hub/api/oauth2/authorize?client_id=jupyterhub-user-alice&redirect_uri="
          + URLEncoder.encode("/user/alice/oauth_callback", StandardCharsets.UTF_8) + "&response_type=code&state=s");
      String query = URI.create(granted.headers().firstValue("Location").orElseThrow()).getQuery();
      String code = query.substring(query.indexOf("code=") + 5, query.indexOf('&'));

      Path script = dataDir.resolve("hub_client_probe.py");
      try (InputStream in = getClass().getResourceAsStream("/jupyterhub/hub_client_probe.py")) {
        Files.copy(in, script);
      }
      ProcessBuilder pb = new ProcessBuilder(PYTHON.toString(), script.toString()).redirectErrorStream(false);
      pb.environment().put("HUB_API_URL", hub.url + "/hub/api");
      pb.environment().put("SERVER_TOKEN", serverToken);
      pb.environment().put("ALICE_TOKEN", alice);
      pb.environment().put("BOB_TOKEN", bob);
      pb.environment().put("OAUTH_CODE", code);
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = p.getErrorStream().readAllBytes();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String stdout = new String(out, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as("the probe failed (is Debian's jupyterhub installed? scripts/test.sh installs it):\n%s\n%s",
          stdout, new String(err, StandardCharsets.UTF_8)).isZero();
      System.out.println("JupyterHubClientTest: HubOAuth saw " + stdout.strip());
      JsonNode r = WireJson.mapper().readTree(stdout);
      assertThat(r.path("jupyterhub").asText()).startsWith("3.");
      assertThat(r.path("alice").path("name").asText()).isEqualTo("alice");
      assertThat(r.path("alice").path("access").toString()).contains("access:servers!user=alice");
      assertThat(r.path("bob").path("name").asText()).isEqualTo("bob");
      assertThat(r.path("bob").path("access")).as("bob may not use alice's server").isEmpty();
      assertThat(r.path("unknown").isNull()).isTrue();
      assertThat(r.path("oauth").path("name").asText()).isEqualTo("alice");
      assertThat(r.path("oauth").path("scopes").toString()).isEqualTo("[\"access:servers!server=alice/\"]");
      assertThat(r.path("oauth").path("access").toString()).contains("access:servers!server=alice/");
      assertThat(r.path("code_reused").asText()).contains("the code is unknown, used").doesNotContain("accepted");
    }
  }
}
