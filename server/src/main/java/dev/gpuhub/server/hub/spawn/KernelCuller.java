package dev.gpuhub.server.hub.spawn;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.server.hub.proxy.ProxyRoute;
import dev.gpuhub.wire.WireJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import dev.gpuhub.server.workload.WorkloadTls;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shuts down idle kernels of multi-node servers (SPEC §8: idle after 3600 s, checked every 600 s;
 * {@code GPUHUB_KERNEL_IDLE_SECONDS}, {@code GPUHUB_KERNEL_CULL_INTERVAL_SECONDS}). Each pass asks
 * every kernel host of every running server for its kernels ({@code GET api/kernels}) and deletes
 * those that are not busy and whose {@code last_activity} is older than the timeout. A host that does
 * not answer is skipped (its kernels are dead anyway); a failing pass is logged and retried next time.
 */
public final class KernelCuller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KernelCuller.class);

  /** One kernel the culler shut down. */
  public record Culled(String user, String hostname, String kernelId) {}

  private final Supplier<Iterable<ActiveServer>> servers;
  private final Duration idleTimeout;
  private final Clock clock;
  private final HttpClient http;
  private final WorkloadTls tls;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "kernel-culler");
    t.setDaemon(true);
    return t;
  });

  public KernelCuller(Spawner spawner, Duration idleTimeout, Clock clock) {
    this(() -> spawner.servers().values(), idleTimeout, clock, spawner.tls());
  }

  KernelCuller(Supplier<Iterable<ActiveServer>> servers, Duration idleTimeout, Clock clock) {
    this(servers, idleTimeout, clock, WorkloadTls.off());
  }

  KernelCuller(Supplier<Iterable<ActiveServer>> servers, Duration idleTimeout, Clock clock, WorkloadTls tls) {
    this.tls = tls;
    this.http = tls.httpClient().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3)).build();
    this.servers = servers;
    this.idleTimeout = idleTimeout;
    this.clock = clock;
  }

  public void start(Duration every) {
    scheduler.scheduleWithFixedDelay(this::passLogged, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One pass over every running server's kernel hosts; returns the kernels it shut down. */
  public List<Culled> cullNow() {
    Instant now = clock.instant();
    List<Culled> culled = new ArrayList<>();
    for (ActiveServer server : servers.get()) {
      String user = server.snapshot().user();
      if (server.snapshot().state() != ServerState.RUNNING) continue;
      for (KernelHost host : server.kernelHosts()) {
        String base = ProxyRoute.origin(tls.httpScheme(), host.ip(), host.port()) + host.basePath() + "api/kernels";
        java.util.Optional<JsonNode> kernels = kernels(base, host.token());
        if (kernels.isEmpty()) continue;
        for (JsonNode k : kernels.get()) {
          String id = k.path("id").asText("");
          if (id.isEmpty() || !idle(k, now)) continue;
          HttpResponse<String> d = send(host.token(), "DELETE", base + "/" + id);
          if (d != null && d.statusCode() / 100 == 2) culled.add(new Culled(user, host.hostname(), id));
        }
      }
    }
    return culled;
  }

  /**
   * Whether any kernel of the server (on its primary node or a kernel host) is busy now: empty when
   * the server could not be asked (not running, no answer, not a kernel list).
   */
  public java.util.Optional<Boolean> anyKernelBusy(ActiveServer server) {
    ActiveServer.Snapshot s = server.snapshot();
    if (s.state() != ServerState.RUNNING || s.nodeIp() == null) return java.util.Optional.empty();
    List<JsonNode> lists = new ArrayList<>();
    java.util.Optional<JsonNode> primary = kernels(ProxyRoute.origin(tls.httpScheme(), s.nodeIp(), s.port()) + s.url()
        + "api/kernels", s.token());
    if (primary.isEmpty()) return java.util.Optional.empty();
    lists.add(primary.get());
    for (KernelHost host : server.kernelHosts()) {
      kernels(ProxyRoute.origin(tls.httpScheme(), host.ip(), host.port()) + host.basePath() + "api/kernels", host.token())
          .ifPresent(lists::add);
    }
    for (JsonNode list : lists) {
      for (JsonNode k : list) if ("busy".equals(k.path("execution_state").asText())) return java.util.Optional.of(true);
    }
    return java.util.Optional.of(false);
  }

  /** The kernel list at {@code url}; empty when it does not answer 200 with a JSON array. */
  private java.util.Optional<JsonNode> kernels(String url, String token) {
    HttpResponse<String> r = send(token, "GET", url);
    if (r == null || r.statusCode() != 200) return java.util.Optional.empty();
    try {
      JsonNode list = WireJson.mapper().readTree(r.body());
      return list.isArray() ? java.util.Optional.of(list) : java.util.Optional.empty();
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  /** Not busy, and its last activity (unknown counts as now) is older than the timeout. */
  boolean idle(JsonNode kernel, Instant now) {
    if ("busy".equals(kernel.path("execution_state").asText())) return false;
    Instant last = parse(kernel.path("last_activity").asText(null));
    return last != null && Duration.between(last, now).compareTo(idleTimeout) > 0;
  }

  static Instant parse(String iso) {
    if (iso == null || iso.isBlank()) return null;
    try {
      return OffsetDateTime.parse(iso).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(iso);
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  private HttpResponse<String> send(String token, String method, String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .header("Authorization", "token " + token).method(method, HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private void passLogged() {
    try {
      List<Culled> culled = cullNow();
      if (!culled.isEmpty()) LOG.atInfo().addKeyValue("kernels", culled).log("culled idle kernels");
    } catch (RuntimeException e) {
      LOG.warn("kernel cull pass failed; the next one will retry", e);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
