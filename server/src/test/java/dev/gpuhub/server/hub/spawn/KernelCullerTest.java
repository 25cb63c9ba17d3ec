package dev.gpuhub.server.hub.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The kernel culler against a stand-in kernel host (Jupyter's GET/DELETE api/kernels, token required). */
class KernelCullerTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private HttpServer host;
  private final List<String> deleted = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (host != null) host.stop(0);
  }

  private KernelHost standIn(String kernelsJson) throws Exception {
    host = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    host.createContext("/user/alice/kernelhost/node-b/api/kernels", ex -> {
      int status;
      byte[] body = new byte[0];
      if (!"token kh-token".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        status = 403;
      } else if (ex.getRequestMethod().equals("GET")) {
        status = 200;
        body = kernelsJson.getBytes(StandardCharsets.UTF_8);
      } else {
        String path = ex.getRequestURI().getPath();
        deleted.add(path.substring(path.lastIndexOf('/') + 1));
        status = 204;
      }
      ex.sendResponseHeaders(status, status == 204 ? -1 : body.length);
      if (status != 204) ex.getResponseBody().write(body);
      ex.close();
    });
    host.start();
    return new KernelHost("node-b", "127.0.0.1", 1, "c1", host.getAddress().getPort(), "kh-token",
        KernelHost.basePathOf(dev.gpuhub.core.hub.ServerId.defaultOf("alice"), "node-b"));
  }

  private static ActiveServer server(ServerState state, KernelHost kh) {
    ActiveServer s = new ActiveServer(new ActiveServer.Snapshot("alice", "", "multi-cpu", "img", List.of("node-a", "node-b"),
        "node-a", "127.0.0.1", 1, "c0", 20000, "t", ServerState.PENDING, NOW, null));
    s.addKernelHost(kh);
    if (state != ServerState.PENDING) s.transition(state, null);
    return s;
  }

  @Test
  void idleKernelsAreShutDownBusyAndRecentOnesStay() throws Exception {
    KernelHost kh = standIn("""
        [{"id":"old-idle","name":"python3","last_activity":"2026-11-23T11:59:50.123456Z","execution_state":"idle"},
         {"id":"old-busy","name":"python3","last_activity":"2026-11-23T11:00:00Z","execution_state":"busy"},
         {"id":"recent","name":"python3","last_activity":"2026-11-23T11:59:58+00:00","execution_state":"idle"},
         {"id":"no-activity","name":"python3","execution_state":"idle"}]""");
    KernelCuller culler = new KernelCuller(() -> List.of(server(ServerState.RUNNING, kh)), Duration.ofSeconds(5),
        Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(culler.cullNow()).containsExactly(new KernelCuller.Culled("alice", "node-b", "old-idle"));
    assertThat(deleted).containsExactly("old-idle");
    culler.close();
  }

  @Test
  void onlyRunningServersAreLookedAtAndADeadHostIsSkipped() throws Exception {
    KernelHost kh = standIn("[{\"id\":\"k\",\"last_activity\":\"2026-11-23T10:00:00Z\",\"execution_state\":\"idle\"}]");
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    assertThat(new KernelCuller(() -> List.of(server(ServerState.PENDING, kh)), Duration.ofSeconds(5), clock).cullNow())
        .isEmpty();
    KernelHost dead = new KernelHost("node-c", "127.0.0.1", 1, "c2", 1, "kh-token", KernelHost.basePathOf(dev.gpuhub.core.hub.ServerId.defaultOf("alice"), "node-c"));
    assertThat(new KernelCuller(() -> List.of(server(ServerState.RUNNING, dead)), Duration.ofSeconds(5), clock).cullNow())
        .isEmpty();
    assertThat(deleted).isEmpty();
  }

  @Test
  void timestampsInJupytersFormatsParse() {
    assertThat(KernelCuller.parse("2026-11-23T11:59:50.123456Z")).isEqualTo(Instant.parse("2026-11-23T11:59:50.123456Z"));
    assertThat(KernelCuller.parse("2026-11-23T11:59:50+00:00")).isEqualTo(Instant.parse("2026-11-23T11:59:50Z"));
    assertThat(KernelCuller.parse("garbage")).isNull();
    assertThat(KernelCuller.parse(null)).isNull();
  }

  @Test
  void theSpecsDefaultsAndTheEnvironmentSetTheTimes() {
    SpawnerConfig defaults = SpawnerConfig.fromEnv(java.util.Map.of());
    assertThat(defaults.kernelIdleTimeout()).isEqualTo(Duration.ofSeconds(3600));
    assertThat(defaults.kernelCullInterval()).isEqualTo(Duration.ofSeconds(600));
    SpawnerConfig tiny = SpawnerConfig.fromEnv(java.util.Map.of("GPUHUB_KERNEL_IDLE_SECONDS", "3",
        "GPUHUB_KERNEL_CULL_INTERVAL_SECONDS", "1"));
    assertThat(tiny.kernelIdleTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(tiny.kernelCullInterval()).isEqualTo(Duration.ofSeconds(1));
  }
}
