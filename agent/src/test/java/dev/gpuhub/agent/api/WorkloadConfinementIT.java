package dev.gpuhub.agent.api;

import static dev.gpuhub.agent.api.NodeApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.runtime.docker.DockerContainerRuntime;
import dev.gpuhub.testkit.LocalDockerd;
import dev.gpuhub.testkit.TestImages;
import dev.gpuhub.wire.AgentAuth;
import dev.gpuhub.wire.WireJson;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A workload is what a student controls: whatever it runs, it runs unprivileged. Started through
 * the node API exactly as the control plane starts a server (the default notebook image, a real
 * dockerd), a probe inside the container finds it is not root, cannot open a raw socket (the packet
 * capture that read other users' tokens off the loopback interface), has no capability, cannot
 * gain privileges and runs under seccomp, and has a network namespace of its own: the host's
 * loopback, where the node API listens, is not its loopback. {@code docker inspect} shows the same
 * from outside. The node API refuses a request that asks for more, whoever sends it.
 */
class WorkloadConfinementIT {
  private static final String PROBE = String.join("\n",
      "import json, os, socket",
      "out = {'uid': os.getuid(), 'gid': os.getgid()}",
      "try:",
      "    socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(3)); out['raw'] = 'opened'",
      "except OSError as e:",
      "    out['raw'] = type(e).__name__",
      "try:",
      "    os.setuid(0); out['setuid'] = 'ok'",
      "except OSError as e:",
      "    out['setuid'] = type(e).__name__",
      "status = dict(l.split(':\\t', 1) for l in open('/proc/self/status').read().splitlines() if ':\\t' in l)",
      "for k in ('CapEff', 'CapPrm', 'NoNewPrivs', 'Seccomp'):",
      "    out[k] = status.get(k, '').strip()",
      "try:",
      "    socket.create_connection(('127.0.0.1', int(os.environ['API_PORT'])), timeout=2).close(); out['nodeapi'] = 'connected'",
      "except OSError as e:",
      "    out['nodeapi'] = type(e).__name__",
      "out['interfaces'] = sorted(n for _, n in socket.if_nameindex())",
      "print('PROBE ' + json.dumps(out), flush=True)");

  @Test
  void aWorkloadRunsUnprivilegedWithoutCapabilitiesOrNewPrivileges() throws Exception {
    LocalDockerd dockerd = LocalDockerd.shared();
    String image = TestImages.notebook(dockerd);
    String token = AgentAuth.generateToken();
    String name = "confined-" + UUID.randomUUID().toString().substring(0, 8);
    try (DockerContainerRuntime runtime = DockerContainerRuntime.connect(dockerd.dockerHost());
        NodeApiServer server = new NodeApiServer(runtime, token, "127.0.0.1", 0).start()) {
      NodeApiClient api = new NodeApiClient(server.port(), token);
      String body = WireJson.mapper().createObjectNode().put("name", name).put("image", image)
          .put("cpus", 1).put("memory_bytes", 536870912L)
          .<com.fasterxml.jackson.databind.node.ObjectNode>set("env",
              WireJson.mapper().valueToTree(java.util.Map.of("API_PORT", Integer.toString(server.port()))))
          .set("command", WireJson.mapper().valueToTree(java.util.List.of("python3", "-c", PROBE))).toString();
      HttpResponse<String> created = api.post("/containers", body);
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

      JsonNode probe = awaitProbe(api, name);
      assertThat(probe.path("uid").asInt()).as("uid").isEqualTo(1000);
      assertThat(probe.path("gid").asInt()).as("gid").isEqualTo(1000);
      assertThat(probe.path("raw").asText()).as("a raw packet socket").isEqualTo("PermissionError");
      assertThat(probe.path("setuid").asText()).as("setuid(0)").isEqualTo("PermissionError");
      assertThat(probe.path("CapEff").asText()).as("effective capabilities").isEqualTo("0000000000000000");
      assertThat(probe.path("CapPrm").asText()).as("permitted capabilities").isEqualTo("0000000000000000");
      assertThat(probe.path("NoNewPrivs").asText()).as("no_new_privs").isEqualTo("1");
      assertThat(probe.path("Seccomp").asText()).as("seccomp filter mode").isEqualTo("2");
      assertThat(probe.path("nodeapi").asText()).as("the node API on the host's 127.0.0.1").isEqualTo("ConnectionRefusedError");
      assertThat(probe.path("interfaces").toString()).as("its own interfaces, not the host's").isEqualTo("[\"eth0\",\"lo\"]");

      JsonNode host = WireJson.mapper().readTree(dockerd.docker("inspect", "--format", "{{json .HostConfig}}", name));
      assertThat(host.path("CapDrop").toString()).isEqualTo("[\"ALL\"]");
      assertThat(host.path("CapAdd").isNull() || host.path("CapAdd").isEmpty()).isTrue();
      assertThat(host.path("SecurityOpt").toString()).isEqualTo("[\"no-new-privileges\"]");
      assertThat(host.path("PidsLimit").asLong()).isEqualTo(4096);
      assertThat(host.path("Privileged").asBoolean()).isFalse();
      assertThat(host.path("Devices").isNull() || host.path("Devices").isEmpty()).as("no device").isTrue();
      assertThat(host.path("NetworkMode").asText()).as("never the host's network").isEqualTo("gpuhub-workloads");
      assertThat(dockerd.docker("inspect", "--format", "{{.Config.User}}", name).strip()).isEqualTo("1000:1000");

      for (String more : new String[] {"\"privileged\": true", "\"cap_add\": [\"NET_RAW\"]", "\"network_mode\": \"host\"",
          "\"user\": \"0:0\"", "\"devices\": [\"/dev/mem\"]", "\"binds\": [\"/:/host\"]"}) {
        HttpResponse<String> refused = api.post("/containers",
            "{\"name\": \"more-" + UUID.randomUUID().toString().substring(0, 6) + "\", \"image\": \"" + image + "\", " + more + "}");
        assertThat(refused.statusCode()).as(more).isEqualTo(400);
        assertThat(json(refused).path("error").asText()).as(more).contains("unknown field");
      }
    } finally {
      dockerd.docker("rm", "-f", name);
    }
  }

  private static JsonNode awaitProbe(NodeApiClient api, String name) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    String logs = "";
    while (System.nanoTime() < deadline) {
      logs = api.get("/containers/" + name + "/logs?lines=50").body();
      int at = logs.indexOf("PROBE ");
      if (at >= 0) return WireJson.mapper().readTree(logs.substring(at + 6).lines().findFirst().orElseThrow());
      Thread.sleep(200);
    }
    throw new AssertionError("the probe printed nothing within 60 s; logs: " + logs);
  }
}
