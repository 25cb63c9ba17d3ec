package dev.gpuhub.server;

import dev.gpuhub.core.config.EnvReader;
import dev.gpuhub.core.placement.ScoringConfig;
import dev.gpuhub.core.placement.SelectionAlgorithm;
import dev.gpuhub.server.discovery.PlacementConfig;
import dev.gpuhub.server.hub.auth.HubAuthConfig;
import dev.gpuhub.server.hub.jobs.JobsConfig;
import dev.gpuhub.server.hub.spawn.SpawnerConfig;
import dev.gpuhub.wire.AgentAuth;
import java.time.Duration;
import java.util.Map;

/**
 * The control plane's settings, validated once at start and immutable afterwards.
 *
 * @param bindHost         address the HTTP ports bind to ({@code GPUHUB_BIND}, default 0.0.0.0)
 * @param apiPort          discovery API port ({@code API_PORT}, seed 15002; 0 picks a free port)
 * @param clusterPort      the cluster port: the discovery API over mutual TLS, where nodes join and
 *                         heartbeat ({@code GPUHUB_CLUSTER_PORT}, 15004, or a free port when
 *                         {@code API_PORT} is 0; 0 picks a free port)
 * @param hubPort          hub port ({@code HUB_PORT}, seed 18000; 0 picks a free port, -1 runs no hub)
 * @param agentToken       shared agent/server secret ({@code GPUHUB_AGENT_TOKEN}, required)
 * @param scoring          seed weights and penalties ({@code CPU_WEIGHT}, {@code MEMORY_WEIGHT},
 *                         {@code HEAVY_PENALTY}, {@code MEDIUM_PENALTY})
 * @param algorithm        default selection algorithm ({@code GPUHUB_SELECTION_ALGORITHM})
 * @param strictThresholds use the strict thresholds unless a request says otherwise
 *                         ({@code GPUHUB_STRICT_THRESHOLDS})
 * @param sweepInterval    how often expired nodes are marked inactive ({@code GPUHUB_SWEEP_SECONDS})
 * @param liveCacheMillis  how long a snapshot of live state may be reused by reads, or -1 for the
 *                         store's default ({@code GPUHUB_LIVE_CACHE_MILLIS})
 * @param heartbeatQueue   heartbeats that may wait for the durable writer ({@code GPUHUB_HEARTBEAT_QUEUE})
 * @param hubAuth          hub sign-up, admins, sessions ({@code GPUHUB_OPEN_SIGNUP}, {@code GPUHUB_ADMIN_USERS}, ...)
 * @param spawner          images, command, timeouts of users' servers ({@code GPUHUB_CPU_IMAGE}, ...)
 * @param metricsResolutionMillis at most one durable heartbeat (node row + metric row) per node per
 *                         this many ms unless the node's description changed; 0 writes every one
 *                         ({@code GPUHUB_METRICS_RESOLUTION_MS})
 * @param placement        reservations, queue wait, default policy ({@code GPUHUB_RESERVATION_HOLD_SECONDS}, ...)
 * @param jobs             training jobs: scheduling interval, per-replica reservation, report URL
 * @param services         replicated services: loop period, replica ports, ready and drain timeouts
 *                         ({@code GPUHUB_JOB_INTERVAL_SECONDS}, ...)
 * @param hubTls           the hub's HTTPS certificate and key files, or null for plain HTTP
 * @param subdomains       per-user subdomains for users' servers ({@code GPUHUB_SUBDOMAIN_HOST}), or off
 * @param quotaPeriod      the period GPU-hours budgets cover ({@code GPUHUB_QUOTA_PERIOD}: month, week
 *                         or day, in UTC; default month)
 * @param hubWorkloadBind  a second address the hub listens on, for workloads that cannot reach
 *                         {@code bindHost} ({@code GPUHUB_HUB_WORKLOAD_BIND}: the workload network's
 *                         gateway when the hub binds loopback, as {@code up} does), or null
 * @param gpuIdle          when idle GPUs are given back ({@code GPUHUB_GPU_IDLE_*})
 */
public record ServerConfig(
    String bindHost,
    int apiPort,
    int clusterPort,
    int hubPort,
    String agentToken,
    ScoringConfig scoring,
    SelectionAlgorithm algorithm,
    boolean strictThresholds,
    Duration sweepInterval,
    int liveCacheMillis,
    int heartbeatQueue,
    int metricsResolutionMillis,
    HubAuthConfig hubAuth,
    SpawnerConfig spawner,
    PlacementConfig placement,
    JobsConfig jobs,
    dev.gpuhub.server.services.ServiceControllerConfig services,
    dev.gpuhub.server.hub.HubTls hubTls,
    dev.gpuhub.server.hub.proxy.Subdomains subdomains,
    String hubWorkloadBind,
    dev.gpuhub.core.quota.UsagePeriod quotaPeriod,
    dev.gpuhub.server.hub.spawn.GpuIdleConfig gpuIdle) {

  /** Seed discovery port. */
  public static final int DEFAULT_API_PORT = 15002;
  /** The cluster port unless configured: next to the discovery API (15002) and node APIs (15003). */
  public static final int DEFAULT_CLUSTER_PORT = 15004;
  /** Seed hub port. */
  public static final int DEFAULT_HUB_PORT = 18000;
  /** Seed inactive-sweep period: 300 s. */
  public static final int DEFAULT_SWEEP_SECONDS = 300;
  /** Heartbeats that may queue for the durable writer before metric rows are dropped. */
  public static final int DEFAULT_HEARTBEAT_QUEUE = 100_000;
  /** Metric history resolution: 1 s, far below the seed's 15 s heartbeat. */
  public static final int DEFAULT_METRICS_RESOLUTION_MS = 1000;

  /**
   * Reads and validates the configuration.
   *
   * @throws IllegalArgumentException naming the variable that is missing or invalid
   */
  public static ServerConfig fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    String token = AgentAuth.requireValidToken(r.raw("GPUHUB_AGENT_TOKEN"), "GPUHUB_AGENT_TOKEN");
    ScoringConfig seed = ScoringConfig.SEED;
    ScoringConfig scoring = new ScoringConfig(
        r.decimal("CPU_WEIGHT", seed.cpuWeight(), 0, 1000),
        r.decimal("MEMORY_WEIGHT", seed.memoryWeight(), 0, 1000),
        r.decimal("HEAVY_PENALTY", seed.heavyPenalty(), 0, 1_000_000),
        r.decimal("MEDIUM_PENALTY", seed.mediumPenalty(), 0, 1_000_000));
    SelectionAlgorithm algorithm;
    try {
      algorithm = SelectionAlgorithm.fromWireName(r.string("GPUHUB_SELECTION_ALGORITHM", "round_robin"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("GPUHUB_SELECTION_ALGORITHM: " + e.getMessage());
    }
    int apiPort = r.integer("API_PORT", DEFAULT_API_PORT, 0, 65535);
    return new ServerConfig(
        r.string("GPUHUB_BIND", "0.0.0.0"),
        apiPort,
        r.integer("GPUHUB_CLUSTER_PORT", apiPort == 0 ? 0 : DEFAULT_CLUSTER_PORT, 0, 65535),
        r.integer("HUB_PORT", DEFAULT_HUB_PORT, -1, 65535),
        token,
        scoring,
        algorithm,
        r.bool("GPUHUB_STRICT_THRESHOLDS", false),
        Duration.ofSeconds(r.integer("GPUHUB_SWEEP_SECONDS", DEFAULT_SWEEP_SECONDS, 1, 86_400)),
        r.integer("GPUHUB_LIVE_CACHE_MILLIS", -1, -1, 60_000),
        r.integer("GPUHUB_HEARTBEAT_QUEUE", DEFAULT_HEARTBEAT_QUEUE, 1, 10_000_000),
        r.integer("GPUHUB_METRICS_RESOLUTION_MS", DEFAULT_METRICS_RESOLUTION_MS, 0, 3_600_000),
        HubAuthConfig.fromEnv(env),
        SpawnerConfig.fromEnv(env),
        PlacementConfig.fromEnv(env),
        JobsConfig.fromEnv(env),
        dev.gpuhub.server.services.ServiceControllerConfig.fromEnv(env),
        dev.gpuhub.server.hub.HubTls.fromEnv(env),
        dev.gpuhub.server.hub.proxy.Subdomains.fromEnv(env),
        workloadBind(r.raw("GPUHUB_HUB_WORKLOAD_BIND")),
        quotaPeriod(r.string("GPUHUB_QUOTA_PERIOD", "month")),
        dev.gpuhub.server.hub.spawn.GpuIdleConfig.fromEnv(env));
  }

  private static dev.gpuhub.core.quota.UsagePeriod quotaPeriod(String raw) {
    try {
      return dev.gpuhub.core.quota.UsagePeriod.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("GPUHUB_QUOTA_PERIOD: " + e.getMessage());
    }
  }

  private static String workloadBind(String raw) {
    if (raw == null || raw.isBlank()) return null;
    String address = raw.strip();
    if (!address.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      throw new IllegalArgumentException("GPUHUB_HUB_WORKLOAD_BIND must be an IP address of this machine, was '" + raw + "'");
    }
    return address;
  }
}
