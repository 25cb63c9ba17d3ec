package dev.gpuhub.app.hub;

import static dev.gpuhub.app.hub.HubClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.server.hub.spawn.ActiveServer;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A student who does not play fair, with the real notebook image on a real dockerd: from a kernel
 * of their own server, reached through the hub's proxy as any student would, while another
 * student's server runs on the same node. Each probe is Python run in that kernel. Then the
 * strongest version of the old attack: a packet capture with NET_RAW in the student's network
 * namespace (what a kernel exploit inside the container would give), for 20 s while the other
 * student works and the agent heartbeats, must find none of their secrets.
 */
class HubHostileUserIT {
  /** How long the capture in the student's network namespace listens (the 20 s). */
  static final int CAPTURE_SECONDS = 20;
  /**
   * Captures every frame on every interface of its network namespace (only on interface {@code IFACE}
   * when that is set); prints what it found.
   */
  static final String SNIFFER = String.join("\n",
      "import json, os, socket, time",
      "needles = {n: v.encode() for n, v in (kv.split('=', 1) for kv in os.environ['NEEDLES'].split(','))}",
      "marker = os.environ['MARKER'].encode()",
      "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(3))",
      "s.settimeout(0.5)",
      "if os.environ.get('IFACE'): s.bind((os.environ['IFACE'], 0))",
      "end = time.time() + float(os.environ['SECONDS'])",
      "out = {'frames': 0, 'found': [], 'marker': False}",
      "print('SNIFFING', flush=True)",
      "while time.time() < end:",
      "    try:",
      "        frame = s.recv(65535)",
      "    except socket.timeout:",
      "        continue",
      "    out['frames'] += 1",
      "    out['marker'] = out['marker'] or marker in frame",
      "    out['found'] += [n for n, v in needles.items() if v in frame and n not in out['found']]",
      "print('SNIFF ' + json.dumps(out), flush=True)");
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
    HubClient mallory = hub.userWithServer("mallory");
    HubClient victim = hub.userWithServer("victim");
    ActiveServer.Snapshot theirs = hub.plane.hub().spawner().server("victim").orElseThrow().snapshot();
    String ws = kernel(mallory, "mallory");

    // not root, no way to become root or to read the wire, a network namespace of its own, nothing
    // of anyone else's in reach, nothing on the host's loopback (PostgreSQL, Redis, a loopback-only
    // control plane or node API), and the cluster's APIs and the other student's server refuse it
    try (ServerSocket postgres = HostileProbes.hostLoopbackListener(5432);
         ServerSocket redis = HostileProbes.hostLoopbackListener(6379)) {
      HostileProbes.Targets targets = HostileProbes.Targets.of(hub, "victim", List.of(postgres.getLocalPort(), redis.getLocalPort()));
      HostileProbes.assertConfined("mallory's kernel", HostileProbes.parse(run(mallory, ws, HostileProbes.inKernel(targets))),
          targets, List.of(theirs.token(), hub.token));
    }
    assertThat(run(mallory, ws, "import os; print(os.environ.get('GPUHUB_AGENT_TOKEN', 'none'))")).isEqualTo("none");

    // and the other student's server still works for its owner
    assertThat(victim.getJson("/user/victim/api/status").statusCode()).isEqualTo(200);

    assertThat(capture(mallory, victim, theirs.token())).as("a capture in mallory's network namespace").isEmpty();

    assertThat(mallory.api("DELETE", "/hub/api/users/mallory/server", null).statusCode()).isEqualTo(204);
    assertThat(victim.api("DELETE", "/hub/api/users/victim/server", null).statusCode()).isEqualTo(204);
    assertThat(hub.serverContainers()).as("nothing left on the shared dockerd for the next test class").isEmpty();
  }

  /**
   * The names of the secrets a {@value #CAPTURE_SECONDS} s capture with NET_RAW in mallory's
   * network namespace saw while the victim used her server and the agent heartbeat. Fails unless
   * the capture saw mallory's own plain-HTTP request to the hub, so an empty answer means "nothing
   * there", not "nothing captured". Among the needles: what mallory sends her own server through
   * the hub, which the hub forwards over TLS, so it must not be seen in clear either.
   */
  private static java.util.List<String> capture(HubClient mallory, HubClient victim, String victimToken) throws Exception {
    String name = "sniffer-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    String marker = "sniff-marker-" + java.util.UUID.randomUUID();
    String proxied = "proxied-marker-" + java.util.UUID.randomUUID();
    java.net.URI hubUri = java.net.URI.create(hub.hubUrl);
    String plainRequest = "import socket; s = socket.create_connection(('" + hubUri.getHost() + "', " + hubUri.getPort()
        + ")); s.sendall(b'GET /hub/?" + marker + " HTTP/1.0\\r\\n\\r\\n'); s.recv(100); s.close()";
    try {
      hub.dockerd.docker("run", "-d", "--name", name, "--network", "container:gpuhub-mallory", "--user", "0:0",
          "--cap-drop", "ALL", "--cap-add", "NET_RAW", "-e", "SECONDS=" + CAPTURE_SECONDS, "-e", "MARKER=" + marker,
          "-e", "NEEDLES=victim-server-token=" + victimToken + ",agent-token=" + hub.token + ",bearer=Bearer "
              + ",mallory-through-the-proxy=" + proxied,
          hub.image, "python3", "-c", SNIFFER);
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!hub.dockerd.docker("logs", name).contains("SNIFFING")) {
        assertThat(System.nanoTime()).as("the sniffer did not start: " + hub.dockerd.docker("logs", name)).isLessThan(deadline);
        Thread.sleep(100);
      }
      long end = System.nanoTime() + (CAPTURE_SECONDS - 2) * 1_000_000_000L;
      while (System.nanoTime() < end) { // the victim works; mallory's own plain request carries the marker
        assertThat(victim.getJson("/user/victim/api/contents").statusCode()).isEqualTo(200);
        assertThat(mallory.getJson("/user/mallory/api/contents?" + proxied).statusCode()).isEqualTo(200);
        hub.dockerd.docker("exec", "gpuhub-mallory", "python3", "-c", plainRequest);
        Thread.sleep(500);
      }
      String logs = "";
      while (!(logs = hub.dockerd.docker("logs", name)).contains("SNIFF ")) {
        assertThat(System.nanoTime()).as("the sniffer did not finish: " + logs).isLessThan(end + 30_000_000_000L);
        Thread.sleep(200);
      }
      var result = dev.gpuhub.wire.WireJson.mapper().readTree(logs.substring(logs.indexOf("SNIFF ") + 6).lines().findFirst().orElseThrow());
      assertThat(result.path("frames").asInt()).as("frames captured").isPositive();
      assertThat(result.path("marker").asBoolean()).as("the capture saw mallory's own plain request: " + result).isTrue();
      java.util.List<String> found = new java.util.ArrayList<>();
      result.path("found").forEach(n -> found.add(n.asText()));
      return found;
    } finally {
      hub.dockerd.docker("rm", "-f", name);
    }
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
}
