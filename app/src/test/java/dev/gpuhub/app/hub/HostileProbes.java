package dev.gpuhub.app.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.server.hub.spawn.ActiveServer;
import dev.gpuhub.testkit.LocalDockerd;
import dev.gpuhub.wire.WireJson;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;

/**
 * What a hostile user's code tries from inside a workload on a node (a kernel of their server, a
 * training job replica, a service replica), as Python the notebook image runs, and what it must
 * find: not root and no way to become root or to read the wire, a network namespace of its own
 * (none of the host's loopback listeners, such as PostgreSQL and Redis), and every API of the
 * cluster and another user's server refusing it without credentials. Every workload runs the same
 * probes and is held to the same answers by {@link #assertConfined}.
 */
final class HostileProbes {
  /** Marks the line a workload prints its findings on. */
  static final String MARK = "PROBES ";
  /**
   * {@code probe(targets)}: a dict of what each probe found. Errors are reported by class name
   * (PermissionError: the kernel refused; ConnectionRefusedError: nothing listens there), HTTP
   * answers by status, -1 when no HTTP answer came.
   */
  static final String FUNCTIONS = String.join("\n",
      "import glob, http.client, json, os, socket, ssl, sys, urllib.parse",
      "def outcome(action, success):",
      "    try:",
      "        action()",
      "        return success",
      "    except OSError as e:",
      "        return type(e).__name__",
      "def connects(host, port):",
      "    return outcome(lambda: socket.create_connection((host, port), timeout=3).close(), 'connected')",
      "def status(url, method='GET'):",
      "    u = urllib.parse.urlsplit(url)",
      "    try:",
      "        if u.scheme == 'https':  # an attacker does not check certificates",
      "            c = http.client.HTTPSConnection(u.hostname, u.port, timeout=5, context=ssl._create_unverified_context())",
      "        else:",
      "            c = http.client.HTTPConnection(u.hostname, u.port, timeout=5)",
      "        c.request(method, u.path or '/', body=b'{}' if method == 'POST' else None)",
      "        return c.getresponse().status",
      "    except Exception:",
      "        return -1",
      "def tls_without_certificate(host, port):",
      "    ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE",
      "    try:",
      "        with socket.create_connection((host, port), timeout=3) as s, ctx.wrap_socket(s) as t:",
      "            t.sendall(b'GET /containers HTTP/1.0\\r\\n\\r\\n')",
      "            return str(t.recv(100)[:12] or 'closed')",
      "    except Exception as e:",
      "        return type(e).__name__",
      "def cmdline(p):",
      "    try:",
      "        return open(p, 'rb').read().replace(b'\\0', b' ').decode('utf-8', 'replace')",
      "    except OSError:",
      "        return ''",
      "def probe(t):",
      "    node, agent, other = t['node_ip'], t['agent_port'], t['other_server']",
      "    return {'ids': '%d %d' % (os.getuid(), os.getgid()),",
      "        'packet_socket': outcome(lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(3)), 'captured'),",
      "        'raw_socket': outcome(lambda: socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP), 'raw'),",
      "        'setuid_root': outcome(lambda: os.setuid(0), 'root'),",
      "        'interfaces': sorted(n for _, n in socket.if_nameindex()),",
      "        'environment': sorted(os.environ),",
      "        'processes': ' | '.join(cmdline(p) for p in glob.glob('/proc/[0-9]*/cmdline')),",
      "        'host_loopback': {str(p): connects('127.0.0.1', p) for p in t['loopback_ports']},",
      "        'node_api_http': status('http://%s:%d/containers' % (node, agent)),",
      "        'node_api_tls': tls_without_certificate(node, agent),",
      "        'discovery': status(t['discovery_url'] + '/register-node', 'POST'),",
      "        'other_server': status(other + 'api/contents'),",
      "        'other_container': status(t['other_container'] + 'api/contents'),",
      "        'other_server_via_hub': status(t['hub_url'] + '/user/' + t['other_user'] + '/api/contents')}");
  /**
   * A workload's program: prints {@value #MARK} and its findings on one line, then, in a service
   * replica ({@code GPUHUB_PORT} set), answers HTTP on its port as the services loop expects, or
   * else (a job replica) waits to be cancelled: exiting 0 would finish the job and remove its
   * container before it could be inspected.
   */
  static final String WORKLOAD = FUNCTIONS + "\n" + String.join("\n",
      "print('" + MARK + "' + json.dumps(probe(json.loads(sys.argv[1]))), flush=True)",
      "if os.environ.get('GPUHUB_PORT'):",
      "    import http.server",
      "    class Ok(http.server.BaseHTTPRequestHandler):",
      "        def do_GET(self):",
      "            self.send_response(200); self.end_headers(); self.wfile.write(b'ok')",
      "    http.server.HTTPServer(('', int(os.environ['GPUHUB_PORT'])), Ok).serve_forever()",
      "else:",
      "    import time; time.sleep(600)");

  /**
   * Where the probes aim, none of it a secret (it travels on a workload's command line).
   *
   * @param loopbackPorts ports of listeners on the host's 127.0.0.1
   */
  record Targets(String nodeIp, int agentPort, String discoveryUrl, String hubUrl, String otherUser, String otherServer,
                 String otherContainer, List<Integer> loopbackPorts) {
    /** The cluster of {@code hub}, and the running server of {@code otherUser}. */
    static Targets of(HubFixture hub, String otherUser, List<Integer> loopbackPorts) {
      ActiveServer.Snapshot theirs = hub.plane.hub().spawner().server(otherUser).orElseThrow().snapshot();
      String containerIp = hub.dockerd.docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
          "gpuhub-" + otherUser);
      String scheme = hub.plane.hub().spawner().tls().httpScheme(); // the servers' own, HTTPS by default
      return new Targets(hub.nodeIp, hub.agent(HubFixture.NODE).port(), hub.plane.discoveryUrl(), hub.hubUrl, otherUser,
          scheme + "://" + theirs.nodeIp() + ":" + theirs.port() + theirs.url(),
          scheme + "://" + containerIp + ":" + theirs.port() + theirs.url(), List.copyOf(loopbackPorts));
    }

    String json() {
      return WireJson.mapper().valueToTree(Map.of("node_ip", nodeIp, "agent_port", agentPort, "discovery_url", discoveryUrl,
          "hub_url", hubUrl, "other_user", otherUser, "other_server", otherServer, "other_container", otherContainer,
          "loopback_ports", loopbackPorts)).toString();
    }
  }

  private HostileProbes() {}

  /** Python for a kernel: prints the findings as JSON. */
  static String inKernel(Targets t) {
    return FUNCTIONS + "\nprint(json.dumps(probe(json.loads('" + t.json() + "'))))";
  }

  /** A workload's command: runs {@link #WORKLOAD} against {@code t}. */
  static List<String> workloadCommand(Targets t) {
    return List.of("python3", "-c", WORKLOAD, t.json());
  }

  /** The findings a workload container printed, read from its {@code docker logs}. */
  static JsonNode findings(LocalDockerd dockerd, String container, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String logs;
    while (!(logs = dockerd.docker("logs", container)).contains(MARK)) {
      assertThat(System.nanoTime()).as(container + " printed no findings; its output: " + logs).isLessThan(deadline);
      Thread.sleep(200);
    }
    return parse(logs.substring(logs.indexOf(MARK) + MARK.length()).lines().findFirst().orElseThrow());
  }

  static JsonNode parse(String json) {
    try {
      return WireJson.mapper().readTree(json);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  /** The findings without the long ones (processes, environment), for a log line. */
  static String summary(JsonNode found) {
    ObjectNode shown = found.deepCopy();
    shown.remove(List.of("processes", "environment"));
    return shown.toString();
  }

  /**
   * A listener on the host's 127.0.0.1 standing for a loopback-only service: on {@code port} (e.g.
   * PostgreSQL's 5432) when it is free, else on any free port.
   */
  static ServerSocket hostLoopbackListener(int port) throws IOException {
    try {
      return new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
    } catch (BindException taken) {
      return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }
  }

  /**
   * Asserts that {@code found} (what {@code who} found) shows a confined workload: uid/gid 1000, no
   * packet or raw socket and no setuid (PermissionError), its own network namespace, no cluster
   * secret among its processes and environment, nothing on the host's loopback, the node API
   * answering no plain HTTP and no TLS client without the control plane's certificate, the
   * discovery API's writes 401 and the other user's server 403 (or out of reach) without
   * credentials.
   */
  static void assertConfined(String who, JsonNode found, Targets t, List<String> secrets) {
    SoftAssertions s = new SoftAssertions();
    s.assertThat(found.path("ids").asText()).as(who + ": uid and gid").isEqualTo("1000 1000");
    s.assertThat(found.path("packet_socket").asText()).as(who + ": an AF_PACKET socket").isEqualTo("PermissionError");
    s.assertThat(found.path("raw_socket").asText()).as(who + ": a raw IP socket").isEqualTo("PermissionError");
    s.assertThat(found.path("setuid_root").asText()).as(who + ": setuid(0)").isEqualTo("PermissionError");
    s.assertThat(found.path("interfaces").toString()).as(who + ": its network interfaces, none of the host's")
        .isEqualTo("[\"eth0\",\"lo\"]");
    s.assertThat(found.path("environment").toString()).as(who + ": its environment").doesNotContain("GPUHUB_AGENT_TOKEN");
    for (String secret : secrets) {
      s.assertThat(found.path("processes").asText()).as(who + ": the processes it sees").isNotBlank().doesNotContain(secret);
    }
    s.assertThat(found.path("host_loopback").size()).as(who + ": host loopback probes").isEqualTo(t.loopbackPorts().size());
    for (int port : t.loopbackPorts()) {
      s.assertThat(found.path("host_loopback").path(Integer.toString(port)).asText())
          .as(who + ": a listener on the host's 127.0.0.1:" + port).isEqualTo("ConnectionRefusedError");
    }
    s.assertThat(found.path("node_api_http").asInt()).as(who + ": the node API over plain HTTP (it speaks mutual TLS only)")
        .isEqualTo(-1);
    s.assertThat(found.path("node_api_tls").asText()).as(who + ": the node API over TLS without the control plane's certificate")
        .isNotBlank().doesNotStartWith("b'HTTP");
    s.assertThat(found.path("discovery").asInt()).as(who + ": the discovery API's register-node without the agent token")
        .isEqualTo(401);
    s.assertThat(found.path("other_server").asInt()).as(who + ": " + t.otherUser() + "'s Jupyter on the node without its token")
        .isEqualTo(403);
    s.assertThat(found.path("other_container").asInt()).as(who + ": " + t.otherUser() + "'s container directly: off where"
        + " dockerd enforces the network's rules, else its token is needed").isIn(-1, 403);
    s.assertThat(found.path("other_server_via_hub").asInt()).as(who + ": " + t.otherUser() + "'s server through the hub,"
        + " with no cookie of theirs").isIn(302, 403);
    s.assertAll();
  }
}
