package dev.gpuhub.server;

import dev.gpuhub.core.placement.NodeSelector;
import dev.gpuhub.server.discovery.DiscoveryRoutes;
import dev.gpuhub.server.discovery.DiscoveryService;
import dev.gpuhub.server.hub.Hub;
import dev.gpuhub.server.http.AgentTokenGuard;
import dev.gpuhub.server.http.ApiErrors;
import dev.gpuhub.server.http.Connectors;
import dev.gpuhub.server.http.JsonBodies;
import dev.gpuhub.server.ops.InactiveNodeSweeper;
import dev.gpuhub.server.ops.ServerMetrics;
import dev.gpuhub.store.BatchingHeartbeatWriter;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.store.Stores;
import dev.gpuhub.server.trust.ClusterAuthority;
import dev.gpuhub.server.trust.ClusterNames;
import dev.gpuhub.server.trust.TrustRoutes;
import org.eclipse.jetty.server.ServerConnector;
import io.javalin.Javalin;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running control plane ({@code gpuhub server}): stores, discovery API, metrics and the
 * inactive sweep, started together and closed together (HTTP first, then the writer is drained,
 * then the stores close).
 */
public final class ControlPlane implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
  /** Live-state snapshot reuse for Redis when GPUHUB_LIVE_CACHE_MILLIS is not set. */
  static final int DEFAULT_REDIS_CACHE_MILLIS = 500;

  private final ServerConfig config;
  private final StoreConfig storeConfig;
  private final Stores stores;
  private final BatchingHeartbeatWriter writer;
  private final ServerMetrics metrics;
  private final DiscoveryService discovery;
  private final InactiveNodeSweeper sweeper;
  private final dev.gpuhub.server.discovery.StoreHealthProbe durableHealth;
  private final dev.gpuhub.server.discovery.StoreHealthProbe liveHealth;
  private dev.gpuhub.server.ops.PlacementTicker ticker;
  private final Javalin api;
  private final ClusterAuthority authority;
  private ServerConnector clusterConnector;
  private volatile Hub hub;

  private ControlPlane(ServerConfig config, StoreConfig storeConfig, Stores stores) {
    this.config = config;
    this.storeConfig = storeConfig;
    this.stores = stores;
    this.metrics = new ServerMetrics();
    this.writer = new BatchingHeartbeatWriter(stores.repository(), config.heartbeatQueue(),
        BatchingHeartbeatWriter.DEFAULT_MAX_BATCH, BatchingHeartbeatWriter.DEFAULT_LINGER);
    Clock clock = Clock.systemUTC();
    long cacheMillis = config.liveCacheMillis() >= 0 ? config.liveCacheMillis()
        : (storeConfig.live() == StoreConfig.Live.REDIS ? DEFAULT_REDIS_CACHE_MILLIS : 0);
    this.discovery = new DiscoveryService(stores.repository(), stores.live(), cacheMillis,
        config.metricsResolutionMillis(), writer,
        NodeSelector.seed(config.scoring(), new Random(new SecureRandom().nextLong())), config.scoring(),
        config.algorithm(), config.strictThresholds(), metrics, clock, config.placement(), stores.reservations());
    this.sweeper = new InactiveNodeSweeper(stores.repository(), stores.live(),
        storeConfig.metricsRetention(), clock, discovery::forgetWritten);
    registerGauges();
    this.authority = ClusterAuthority.open(storeConfig.dataDir(), ClusterNames.of(config.bindHost()));
    AgentTokenGuard guard = new AgentTokenGuard(config.agentToken());
    TrustRoutes trust = new TrustRoutes(authority, guard, this::clusterPort);
    trust.listener(new TrustRoutes.Listener() {
      @Override
      public com.fasterxml.jackson.databind.node.ObjectNode revoked(String hostname) {
        var body = dev.gpuhub.wire.WireJson.mapper().createObjectNode();
        if (hub == null) {
          discovery.exclude(hostname);
          return body.put("servers_stopped", 0).put("containers_removed", 0);
        }
        var r = hub.drainNode(hostname);
        return body.put("servers_stopped", r.servers()).put("containers_removed", r.containers())
            .put("node_answered", r.answered());
      }

      @Override
      public void joined(String hostname) {
        discovery.include(hostname);
      }
    });
    this.durableHealth = new dev.gpuhub.server.discovery.StoreHealthProbe(
        storeConfig.durable() == StoreConfig.Durable.POSTGRES ? "postgres" : "h2",
        stores.repository()::health, clock);
    this.liveHealth = new dev.gpuhub.server.discovery.StoreHealthProbe(
        storeConfig.live() == StoreConfig.Live.REDIS ? "redis" : "memory", stores.live()::health, clock);
    DiscoveryRoutes routes = new DiscoveryRoutes(discovery, stores.repository(), stores.live(), guard, metrics, trust);
    routes.health(durableHealth, liveHealth);
    // a hub admin's API token reads the discovery API too (e.g. for metrics), looked up in the hub's store
    routes.readers(token -> stores.hub().findByTokenHash(dev.gpuhub.server.hub.auth.ApiTokens.sha256Hex(token), clock.instant())
        .map(owner -> owner.user().admin()).orElse(false));
    routes.groups(name -> stores.hub().group(name).isPresent());
    this.api = Javalin.create(c -> {
      c.http.maxRequestSize = JsonBodies.MAX_BODY_BYTES;
      c.jetty.host = config.bindHost();
      c.jetty.port = config.apiPort();
      // Javalin adds no connector of its own once one is added: the plain one first (api.port()), then TLS
      c.jetty.addConnector((server, http) -> Connectors.plain(server, http, config.bindHost(), config.apiPort()));
      // the cluster port: asks every client for a certificate of the cluster CA, refuses any other
      c.jetty.addConnector((server, http) -> clusterConnector = Connectors.tls(server, http,
          authority.controlPlane().sslContext(), true, config.bindHost(), config.clusterPort()));
      c.startup.showJavalinBanner = false;
      ApiErrors.install(c, DiscoveryRoutes.ERRORS);
      routes.install(c);
      trust.install(c);
    });
  }

  /** The port of the cluster port (mutual TLS; the real one when GPUHUB_CLUSTER_PORT was 0). */
  public int clusterPort() {
    return clusterConnector == null ? config.clusterPort() : clusterConnector.getLocalPort();
  }

  /** The cluster's certificate authority (its fingerprint is what agents on other machines pin). */
  public ClusterAuthority authority() {
    return authority;
  }

  /**
   * Opens the stores, starts the discovery API and the sweep.
   *
   * @throws IllegalStateException when a store cannot be reached or the port is taken; nothing is
   *     left running then
   */
  public static ControlPlane start(ServerConfig config, StoreConfig storeConfig) {
    Stores stores = Stores.open(storeConfig);
    ControlPlane plane = null;
    try {
      plane = new ControlPlane(config, storeConfig, stores);
      plane.api.start();
      plane.sweeper.start(config.sweepInterval());
      plane.ticker = new dev.gpuhub.server.ops.PlacementTicker(plane.discovery.placement(), config.placement().tickInterval(),
          plane.discovery::observeGpuActivity);
      if (config.hubPort() >= 0) {
        plane.hub = new Hub(config.bindHost(), config.hubPort(), config.hubAuth(), config.spawner(),
            plane.authority.controlPlane(), dev.gpuhub.server.workload.WorkloadTls.of(plane.authority::issueWorkload,
                plane.authority.controlPlane().sslContext()), config.hubTls() == null ? null : config.hubTls().context(),
            stores, plane.discovery, storeConfig.liveTtl().plusSeconds(15), config.jobs(),
            config.services(), config.subdomains(), config.hubWorkloadBind(), config.quotaPeriod(),
            config.gpuIdle());
        plane.hub.auth().accounts().adminSetup(dev.gpuhub.server.hub.auth.AdminSetup.open(storeConfig.dataDir(),
            config.hubAuth().adminUsers(), name -> stores.hub().findUser(name).isPresent()));
      }
      LOG.atInfo().addKeyValue("url", plane.discoveryUrl()).addKeyValue("stores", storeConfig.describe())
          .addKeyValue("cluster_port", plane.clusterPort()).addKeyValue("ca_fingerprint", plane.authority.fingerprint())
          .log("discovery API listening");
      return plane;
    } catch (RuntimeException e) {
      if (plane != null) plane.close();
      else stores.close();
      throw e;
    }
  }

  private void registerGauges() {
    metrics.nodeGauge("live", () -> discovery.liveNodes().size());
    metrics.nodeGauge("active", () -> stores.repository().activeHostnames().size());
    metrics.nodeGauge("registered", () -> stores.repository().allNodes().size());
    metrics.countGauge("gpuhub.heartbeat.writes.failed", "Heartbeats the durable writer could not store",
        writer::failedHeartbeats);
    metrics.countGauge("gpuhub.heartbeat.writes.refused", "Heartbeats refused because the durable writer's buffer was full",
        writer::refusedHeartbeats);
    metrics.countGauge("gpuhub.heartbeat.writes.buffered", "Heartbeats waiting for the durable store", writer::pending);
  }

  /** The port the discovery API listens on (the real one when API_PORT was 0). */
  public int discoveryPort() {
    return api.port();
  }

  /** Base URL of the discovery API as seen from this machine. */
  public String discoveryUrl() {
    String host = config.bindHost().equals("0.0.0.0") ? "127.0.0.1" : config.bindHost();
    return "http://" + host + ":" + discoveryPort();
  }

  /** The hub, or null when HUB_PORT is -1. */
  public Hub hub() {
    return hub;
  }

  public DiscoveryService discovery() {
    return discovery;
  }

  public InactiveNodeSweeper sweeper() {
    return sweeper;
  }

  public BatchingHeartbeatWriter writer() {
    return writer;
  }

  public Stores stores() {
    return stores;
  }

  public StoreConfig storeConfig() {
    return storeConfig;
  }

  @Override
  public void close() {
    try {
      if (hub != null) hub.close();
      api.stop();
    } finally {
      sweeper.close();
      durableHealth.close();
      liveHealth.close();
      if (ticker != null) ticker.close();
      try {
        writer.close();
      } finally {
        stores.close();
      }
    }
  }
}
