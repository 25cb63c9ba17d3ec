package dev.gpuhub.server.hub;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The hub's Prometheus metrics at {@code /hub/metrics}: JupyterHub's names, so its dashboards
 * and alerts work unchanged, and gpuhub's own. Thread-safe.
 * <ul>
 *   <li>{@code jupyterhub_total_users}, {@code jupyterhub_running_servers},
 *       {@code jupyterhub_pending_servers} (gauges);</li>
 *   <li>{@code jupyterhub_server_spawn_duration_seconds{status="success|failure"}}: from the
 *       request to the server answering (or failing), queue wait included;</li>
 *   <li>{@code jupyterhub_request_duration_seconds{method, handler, code}}: the hub's own routes
 *       ({@code handler} is the route's path template; the proxied {@code /user/} traffic is not
 *       counted here);</li>
 *   <li>{@code gpuhub_queue_length}, {@code gpuhub_gpus_held}, {@code gpuhub_nodes_live}
 *       (gauges); {@code gpuhub_server_placement_seconds}: from the request to its placement on
 *       nodes (queue wait included).</li>
 *   <li>{@code gpuhub_usage_gpu_hours{user}}, {@code gpuhub_usage_core_hours{user}}: this quota
 *       period's usage, read from the store at each scrape ({@link #usage}).</li>
 *   <li>{@code gpuhub_gpu_held_hours{user}}, {@code gpuhub_gpu_held_idle_hours{user}},
 *       {@code gpuhub_server_gpu_utilisation_percent{user, server}}: people's GPU use ({@link #gpuUse}).</li>
 * </ul>
 */
public final class HubMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  /** Histogram buckets of starts and placements (JupyterHub's spawn buckets, to 30 min): few, so scrapes stay small. */
  static final Duration[] START_BUCKETS = seconds(0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 300, 600, 1800);
  /** Histogram buckets of requests (Prometheus clients' defaults). */
  static final Duration[] REQUEST_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);

  private static Duration[] seconds(double... values) {
    Duration[] out = new Duration[values.length];
    for (int i = 0; i < values.length; i++) out[i] = Duration.ofNanos((long) (values[i] * 1e9));
    return out;
  }

  /**
   * @param users          number of users
   * @param runningServers servers answering
   * @param pendingServers servers being placed or started
   * @param queueLength    placement requests waiting for room
   * @param gpusHeld       GPUs held by reservations
   * @param nodesLive      nodes with unexpired live state
   */
  public HubMetrics(Supplier<Number> users, Supplier<Number> runningServers, Supplier<Number> pendingServers,
                    Supplier<Number> queueLength, Supplier<Number> gpusHeld, Supplier<Number> nodesLive) {
    gauge("jupyterhub.total.users", "Total number of users", users);
    gauge("jupyterhub.running.servers", "The number of user servers currently running", runningServers);
    gauge("jupyterhub.pending.servers", "The number of user servers being placed or started", pendingServers);
    gauge("gpuhub.queue.length", "Placement requests waiting for room", queueLength);
    gauge("gpuhub.gpus.held", "GPUs held by reservations (servers, kernel hosts, job replicas)", gpusHeld);
    gauge("gpuhub.nodes.live", "Nodes whose live state has not expired", nodesLive);
  }

  private void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).strongReference(true).register(registry);
  }

  /** A server start ended: {@code success} when it answered, else {@code failure}. */
  public void spawnEnded(boolean success, Duration took) {
    Timer.builder("jupyterhub.server.spawn.duration").description("Time taken for server spawning operation")
        .tag("status", success ? "success" : "failure").serviceLevelObjectives(START_BUCKETS)
        .register(registry).record(took);
  }

  /** A server was placed on nodes {@code took} after it was asked for. */
  public void placed(Duration took) {
    Timer.builder("gpuhub.server.placement").description("Time from a server's request to its placement on nodes")
        .serviceLevelObjectives(START_BUCKETS).register(registry).record(took);
  }

  /** One request to the hub's own routes. */
  public void request(String method, String handler, int code, Duration took) {
    Timer.builder("jupyterhub.request.duration").description("Request duration for all HTTP requests")
        .tag("method", method).tag("handler", handler).tag("code", Integer.toString(code))
        .serviceLevelObjectives(REQUEST_BUCKETS).register(registry).record(took);
  }

  /** The Prometheus text exposition. */
  private volatile Supplier<Map<String, double[]>> usage;
  private io.micrometer.core.instrument.MultiGauge gpuHours;
  private io.micrometer.core.instrument.MultiGauge coreHours;

  /**
   * Exports this period's usage per user, read at each scrape: {@code gpuhub_usage_gpu_hours{user}}
   * and {@code gpuhub_usage_core_hours{user}} (guaranteed cores).
   */
  public synchronized void usage(Supplier<Map<String, double[]>> byUser) {
    this.usage = byUser;
    gpuHours = io.micrometer.core.instrument.MultiGauge.builder("gpuhub.usage.gpu.hours")
        .description("GPU-hours used by each user's servers in the current quota period").register(registry);
    coreHours = io.micrometer.core.instrument.MultiGauge.builder("gpuhub.usage.core.hours")
        .description("Guaranteed core-hours of each user's servers in the current quota period").register(registry);
  }

  private final java.util.List<Runnable> beforeScrape = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Exports people's GPU use, read at each scrape: {@code gpuhub_gpu_held_hours{user}} and
   * {@code gpuhub_gpu_held_idle_hours{user}} (since the hub started), and
   * {@code gpuhub_server_gpu_utilisation_percent{user, server}} (now, per server holding GPUs).
   */
  public synchronized void gpuUse(Supplier<Map<String, dev.gpuhub.server.hub.spawn.GpuUse.Hours>> byUser,
                                  Supplier<Map<dev.gpuhub.core.hub.ServerId, Double>> utilisation) {
    var held = io.micrometer.core.instrument.MultiGauge.builder("gpuhub.gpu.held.hours")
        .description("GPU-hours held by each user's servers since the hub started").register(registry);
    var idle = io.micrometer.core.instrument.MultiGauge.builder("gpuhub.gpu.held.idle.hours")
        .description("GPU-hours each user's servers held while the GPUs were idle, since the hub started").register(registry);
    var util = io.micrometer.core.instrument.MultiGauge.builder("gpuhub.server.gpu.utilisation.percent")
        .description("Mean utilisation of each server's GPUs at the last look").register(registry);
    beforeScrape.add(() -> {
      Map<String, dev.gpuhub.server.hub.spawn.GpuUse.Hours> now = byUser.get();
      held.register(now.entrySet().stream().map(e -> io.micrometer.core.instrument.MultiGauge.Row.of(
          io.micrometer.core.instrument.Tags.of("user", e.getKey()), e.getValue().heldHours())).toList(), true);
      idle.register(now.entrySet().stream().map(e -> io.micrometer.core.instrument.MultiGauge.Row.of(
          io.micrometer.core.instrument.Tags.of("user", e.getKey()), e.getValue().idleHours())).toList(), true);
      util.register(utilisation.get().entrySet().stream().map(e -> io.micrometer.core.instrument.MultiGauge.Row.of(
          io.micrometer.core.instrument.Tags.of("user", e.getKey().user(), "server", e.getKey().name()), e.getValue()))
          .toList(), true);
    });
  }

  public synchronized String scrape() {
    beforeScrape.forEach(Runnable::run);
    if (usage != null) {
      Map<String, double[]> now = usage.get();
      gpuHours.register(now.entrySet().stream().map(e -> io.micrometer.core.instrument.MultiGauge.Row.of(
          io.micrometer.core.instrument.Tags.of("user", e.getKey()), e.getValue()[0])).toList(), true);
      coreHours.register(now.entrySet().stream().map(e -> io.micrometer.core.instrument.MultiGauge.Row.of(
          io.micrometer.core.instrument.Tags.of("user", e.getKey()), e.getValue()[1])).toList(), true);
    }
    return registry.scrape();
  }
}
