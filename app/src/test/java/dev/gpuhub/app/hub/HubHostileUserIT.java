package dev.gpuhub.app.hub;

import static dev.gpuhub.app.hub.HubClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.server.hub.spawn.ActiveServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A student who does not play fair, with the real notebook image on a real dockerd: from a kernel
 * of their own server, reached through the hub's proxy as any student would, while another
 * student's server runs on the same node. Each probe is Python run in that kernel.
 */
class HubHostileUserIT {
  @TempDir static Path dir;
  static HubFixture hub;

  @BeforeAll
  static void start() {
    hub = new HubFixture(dir, Map.of());
  }

  @AfterAll
  static void stop() {
    if (hub != null) hub.close();
  }

  @Test
  void aStudentsCodeCannotSniffEscalateOrReachAnotherStudentsServerOrTheClustersApis() throws Exception {
    HubClient mallory = running("mallory");
    HubClient victim = running("victim");
    ActiveServer.Snapshot theirs = hub.plane.hub().spawner().server("victim").orElseThrow().snapshot();
    String ws = kernel(mallory, "mallory");

    // not root, and no way to become root or to read the wire
    assertThat(run(mallory, ws, "import os; print(os.getuid(), os.getgid())")).isEqualTo("1000 1000");
    assertThat(run(mallory, ws, "import socket\ntry:\n socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(3));"
        + " print('captured')\nexcept OSError as e:\n print(type(e).__name__)")).isEqualTo("PermissionError");
    assertThat(run(mallory, ws, "import socket\ntry:\n socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP);"
        + " print('raw')\nexcept OSError as e:\n print(type(e).__name__)")).isEqualTo("PermissionError");
    assertThat(run(mallory, ws, "import os\ntry:\n os.setuid(0); print('root')\nexcept OSError as e:\n print(type(e).__name__)"))
        .isEqualTo("PermissionError");

    // nothing of anyone else's in reach: no other container's processes, no cluster token in the environment
    String visible = run(mallory, ws, "import glob; print(' | '.join(open(p, 'rb').read().replace(b'\\0', b' ').decode()"
        + " for p in glob.glob('/proc/[0-9]*/cmdline')))");
    assertThat(visible).doesNotContain(theirs.token()).doesNotContain(hub.token);
    assertThat(run(mallory, ws, "import os; print(sorted(os.environ))")).doesNotContain("GPUHUB_AGENT_TOKEN");
    assertThat(run(mallory, ws, "import os; print(os.environ.get('GPUHUB_AGENT_TOKEN', 'none'))")).isEqualTo("none");

    // the cluster's APIs and the other student's server refuse a request without credentials
    int agentPort = hub.agent(HubFixture.NODE).port();
    assertThat(status(mallory, ws, "http://127.0.0.1:" + agentPort + "/containers", "GET")).isEqualTo(401);
    assertThat(status(mallory, ws, "http://127.0.0.1:" + agentPort + "/containers", "POST")).isEqualTo(401);
    assertThat(status(mallory, ws, hub.plane.discoveryUrl() + "/register-node", "POST")).isEqualTo(401);
    assertThat(status(mallory, ws, "http://" + theirs.nodeIp() + ":" + theirs.port() + theirs.url() + "api/contents", "GET"))
        .as("the other student's Jupyter without its token").isEqualTo(403);
    assertThat(status(mallory, ws, hub.hubUrl + "/user/victim/api/contents", "GET"))
        .as("the other student's server through the hub, with no cookie of theirs").isIn(302, 403);

    // and the other student's server still works for its owner
    assertThat(victim.getJson("/user/victim/api/status").statusCode()).isEqualTo(200);

    assertThat(mallory.api("DELETE", "/hub/api/users/mallory/server", null).statusCode()).isEqualTo(204);
    assertThat(victim.api("DELETE", "/hub/api/users/victim/server", null).statusCode()).isEqualTo(204);
    assertThat(hub.serverContainers()).as("nothing left on the shared dockerd for the next test class").isEmpty();
  }

  private static HubClient running(String user) throws Exception {
    HubClient c = new HubClient(hub.hubUrl);
    assertThat(c.signUpAndLogIn(user, user + "-password-1").statusCode()).isEqualTo(302);
    assertThat(c.form("/hub/spawn", Map.of("profile", "single-cpu", "image", hub.image)).statusCode()).isEqualTo(302);
    assertThat(HubEndToEndIT.followProgress(c, user).path("ready").asBoolean()).as(user + "'s server").isTrue();
    return c;
  }

  private static String kernel(HubClient c, String user) throws Exception {
    HttpResponse<String> kernel = c.api("POST", "/user/" + user + "/api/kernels", "{\"name\":\"python3\"}");
    assertThat(kernel.statusCode()).as(kernel.body()).isEqualTo(201);
    return hub.hubUrl.replace("http://", "ws://") + "/user/" + user + "/api/kernels/" + json(kernel).path("id").asText()
        + "/channels";
  }

  private static String run(HubClient c, String ws, String code) throws Exception {
    return Kernels.execute(c, ws, code).strip();
  }

  /**
   * The HTTP status a request from inside the kernel gets (no credentials, redirects not followed),
   * or -1 when it cannot connect.
   */
  private static int status(HubClient c, String ws, String url, String method) throws Exception {
    String code = String.join("\n",
        "import http.client, urllib.parse",
        "u = urllib.parse.urlsplit('" + url + "')",
        "try:",
        " c = http.client.HTTPConnection(u.hostname, u.port, timeout=5)",
        " c.request('" + method + "', u.path or '/', body=b'{}' if '" + method + "' == 'POST' else None)",
        " print(c.getresponse().status)",
        "except Exception:",
        " print(-1)");
    return Integer.parseInt(run(c, ws, code));
  }
}
