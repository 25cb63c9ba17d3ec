package dev.gpuhub.server.hub;

import dev.gpuhub.server.workload.WorkloadTls;
import dev.gpuhub.core.allocation.PlacementEngine;
import dev.gpuhub.server.workload.HttpAgentClient;
import dev.gpuhub.server.workload.PortClaims;
import dev.gpuhub.server.workload.WorkloadLauncher;
import dev.gpuhub.server.discovery.DiscoveryService;
import dev.gpuhub.server.hub.auth.AuthRoutes;
import dev.gpuhub.server.hub.auth.HubAuth;
import dev.gpuhub.server.hub.auth.HubAuthConfig;
import dev.gpuhub.server.hub.jobs.Jobs;
import dev.gpuhub.server.hub.jobs.JobsConfig;
import dev.gpuhub.server.hub.proxy.RouteTable;
import dev.gpuhub.server.hub.proxy.UserServerProxyServlet;
import dev.gpuhub.server.hub.spawn.HubServerLedger;
import dev.gpuhub.server.hub.spawn.IdleCuller;
import dev.gpuhub.server.hub.spawn.KernelCuller;
import dev.gpuhub.server.hub.spawn.Reconciler;
import dev.gpuhub.server.hub.spawn.ClusterView;
import dev.gpuhub.server.hub.spawn.ServerState;
import dev.gpuhub.server.hub.spawn.Spawner;
import dev.gpuhub.server.hub.spawn.SpawnerConfig;
import dev.gpuhub.server.hub.web.HomeAdminRoutes;
import dev.gpuhub.server.hub.web.SpawnRoutes;
import dev.gpuhub.core.replicas.EpsilonNsga2Planner;
import dev.gpuhub.server.services.EnsgaServicePlanner;
import dev.gpuhub.server.services.RequestMeter;
import dev.gpuhub.server.services.ServiceController;
import dev.gpuhub.server.services.ServiceControllerConfig;
import dev.gpuhub.server.services.ServiceProxyServlet;
import dev.gpuhub.server.services.ServiceRouter;
import dev.gpuhub.server.services.ServicesRoutes;
import dev.gpuhub.store.Stores;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub on HUB_PORT (SPEC §4): JupyterHub's pages and REST API, the spawner, the proxy for
 * {@code /user/<name>/}, the idle culler and restart reconciliation, and training jobs (SPEC §5:
 * API, page and scheduler). Started and closed together.
 */
public final class Hub implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

  private final Javalin app;
  private final Spawner spawner;
  private final NodeDrain drain;
  private final IdleCuller culler;
  private final KernelCuller kernelCuller;
  private final dev.gpuhub.server.hub.spawn.IdleGpuReclaimer gpuReclaimer;
  private final dev.gpuhub.server.hub.spawn.GpuNotices gpuNotices = new dev.gpuhub.server.hub.spawn.GpuNotices();
  private final Reconciler reconciler;
  private final RouteTable routes;
  private final HubAuth auth;
  private final Jobs jobs;
  private final ServiceController services;
  private final SpawnRoutes spawnRoutes;
  private final String bindHost;
  /** True when the hub's port speaks HTTPS. */
  private final boolean https;
  private final HubMetrics metrics;
  private final dev.gpuhub.server.hub.quota.QuotaService quotas;
  /** A second address the hub listens on, for workloads (see {@link #workloadUrl()}); null for none. */
  private final String workloadBind;
  private final ScheduledExecutorService adoption = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "hub-adoption");
    t.setDaemon(true);
    return t;
  });

  /**
   * Builds and starts the hub.
   *
   * @param controlPlane     the control plane's cluster identity: how it calls nodes' APIs (mutual TLS)
   * @param https            the hub port's TLS (an administrator's certificate), or null for plain HTTP
   * @param adoptionPatience how long recorded servers (and running jobs) wait for their node to report
   *                         after a restart
   */
  public Hub(String bindHost, int port, HubAuthConfig authConfig, SpawnerConfig spawnerConfig,
             dev.gpuhub.wire.tls.TlsIdentity controlPlane, WorkloadTls workloadTls, javax.net.ssl.SSLContext https,
             Stores stores, DiscoveryService discovery, Duration adoptionPatience, JobsConfig jobsConfig,
             ServiceControllerConfig servicesConfig, dev.gpuhub.server.hub.proxy.Subdomains subdomains,
             String workloadBind, dev.gpuhub.core.quota.UsagePeriod quotaPeriod,
             dev.gpuhub.server.hub.spawn.GpuIdleConfig gpuIdle) {
    Clock clock = Clock.systemUTC();
    this.workloadBind = workloadBind;
    this.bindHost = bindHost;
    this.https = https != null;
    this.routes = new RouteTable(clock);
    this.auth = new HubAuth(stores.hub(), authConfig, clock);
    PlacementEngine engine = discovery.placement();
    HttpAgentClient agents = HttpAgentClient.overTls(controlPlane);
    if (!spawnerConfig.servesTls()) {
      LOG.warn("GPUHUB_NOTEBOOK_COMMAND has no {certfile} and {keyfile}: the hub speaks plain HTTP to users' servers"
          + " (but those of images declared with a start command that serves HTTPS) and to kernel hosts");
    }
    // probes and the proxy dial each server as it serves (its route says): they carry the cluster's trust
    WorkloadLauncher launcher = WorkloadLauncher.of(engine, agents, workloadTls);
    PortClaims ports = new PortClaims();
    HubServerLedger ledger = new HubServerLedger(stores.hub(), clock, discovery::profile);
    this.spawner = new Spawner(spawnerConfig, ClusterView.of(discovery), launcher, ports, routes, ledger, clock,
        workloadTls);
    this.quotas = new dev.gpuhub.server.hub.quota.QuotaService(stores.hub(), () -> spawner.servers().values(),
        discovery::profile, quotaPeriod, clock);
    this.drain = new NodeDrain(spawner, agents, discovery);
    this.reconciler = new Reconciler(spawner, ledger, discovery::liveNodes, launcher, clock);
    this.culler = new IdleCuller(spawner, routes, reconciler, spawnerConfig.idleTimeout(), clock);
    this.kernelCuller = new KernelCuller(spawner, spawnerConfig.kernelIdleTimeout(), clock);
    this.gpuReclaimer = new dev.gpuhub.server.hub.spawn.IdleGpuReclaimer(spawner, discovery.gpuActivity(),
        discovery::profile, () -> stores.repository().profiles(), auth::groupsOf, kernelCuller::anyKernelBusy, gpuNotices,
        gpuIdle, clock);
    this.jobs = new Jobs(jobsConfig, stores.jobs(), launcher, ports, discovery::liveNodes, this::workloadUrl,
        clock, adoptionPatience, spawnerConfig.homes());
    ServiceRouter serviceRouter = new ServiceRouter();
    RequestMeter meter = new RequestMeter();
    this.services = new ServiceController(stores.services(), launcher, discovery::liveNodes, ports, serviceRouter, meter,
        new EnsgaServicePlanner(new EpsilonNsga2Planner(), 1), servicesConfig);
    ServiceProxyServlet serviceProxy = new ServiceProxyServlet(serviceRouter, meter, n -> stores.services().find(n).isPresent());
    AdminAccess adminAccess = new AdminAccess(clock);
    dev.gpuhub.server.hub.proxy.ServerSessions serverSessions =
        new dev.gpuhub.server.hub.proxy.ServerSessions(authConfig.sessionIdleTimeout(), clock);
    auth.onLogout(u -> {
      serverSessions.endAllOf(u.name());
      if (authConfig.logoutStopsServer()) spawner.stopAll(u.name(), "logged out");
    });
    auth.onDelete(u -> {
      serverSessions.endAllOf(u.name());
      spawner.stopAll(u.name(), "user deleted");
      jobs.cancelAllOf(u.name(), "user deleted");
    });
    HubAuthIdentity identity = new HubAuthIdentity(auth, adminAccess, serverSessions);
    ServicesRoutes serviceRoutes = new ServicesRoutes(identity, stores.services(), services, serviceRouter, meter);
    UserServerProxyServlet proxy = new UserServerProxyServlet(routes, identity, workloadTls, subdomains);
    dev.gpuhub.server.hub.proxy.KernelGatewayServlet gateway =
        new dev.gpuhub.server.hub.proxy.KernelGatewayServlet(this::kernelGateway, identity, routes, spawner.tls());
    this.metrics = new HubMetrics(() -> auth.accounts().list().size(),
        () -> spawner.servers().values().stream().filter(a -> a.snapshot().state() == ServerState.RUNNING).count(),
        () -> spawner.servers().values().stream().filter(a -> a.snapshot().state() == ServerState.PENDING).count(),
        () -> engine.queue().size(),
        () -> engine.reservations().stream().mapToInt(r -> r.gpuUuids().size()).sum(),
        () -> discovery.liveNodes().size());
    dev.gpuhub.server.hub.spawn.SpawnerHooks hooks = dev.gpuhub.server.hub.spawn.SpawnerHooks.NONE
        .withHubUrl(this::workloadUrl)
        .withObserver(new dev.gpuhub.server.hub.spawn.SpawnObserver() {
          @Override
          public void placed(Duration took) {
            metrics.placed(took);
          }

          @Override
          public void ended(boolean success, Duration took) {
            metrics.spawnEnded(success, took);
          }
        })
        .withApiClients(new dev.gpuhub.server.hub.spawn.ServerApiClients() {
          @Override
          public void register(String user, String server, String apiToken, String oauthCallback) {
            auth.serverTokens().register(user, server, apiToken, oauthCallback);
          }

          @Override
          public void forget(String user, String server) {
            auth.serverTokens().forget(user, server);
          }
        })
        .withData(stores.hub()::dataMounts, stores.hub()::groupsOf)
        .withAdmission(quotas)
        .withImages(stores.hub()::images);
    spawner.hooks(subdomains.on() ? hooks.withOrigins(subdomains.hubOrigin(), subdomains::origin) : hooks);
    AuthRoutes authRoutes = new AuthRoutes(auth, (user, server, at) -> {
      try {
        routes.reportActivity(new dev.gpuhub.core.hub.ServerId(user, server), at);
      } catch (IllegalArgumentException e) {
        // a server name no server can have: no route to move forward
      }
    });
    this.spawnRoutes = new SpawnRoutes(identity, spawner, discovery, stores.repository(), spawnerConfig);
    dev.gpuhub.server.hub.web.HomesRoutes homes =
        new dev.gpuhub.server.hub.web.HomesRoutes(identity, spawner, agents, discovery::liveNodes,
            spawnerConfig.homes().quota());
    dev.gpuhub.server.hub.web.DataMountRoutes dataMounts = new dev.gpuhub.server.hub.web.DataMountRoutes(identity,
        stores.hub(), stores.repository(), spawnerConfig.homes().dataRoot());
    HomeAdminRoutes pages = new HomeAdminRoutes(identity, spawner, routes, discovery, engine, stores.repository(), stores.hub());
    dev.gpuhub.server.hub.quota.QuotaRoutes quotaRoutes = new dev.gpuhub.server.hub.quota.QuotaRoutes(identity, stores.hub(), quotas);
    pages.usage(quotaRoutes::homeLine, quotaRoutes::allUsage);
    dev.gpuhub.server.hub.web.GpuNoticeRoutes gpuNoticeRoutes =
        new dev.gpuhub.server.hub.web.GpuNoticeRoutes(identity, spawner, gpuNotices);
    pages.notices(gpuNoticeRoutes::banner);
    dev.gpuhub.server.hub.web.ProfileAdminRoutes profileAdmin =
        new dev.gpuhub.server.hub.web.ProfileAdminRoutes(identity, stores.repository(), stores.hub());
    dev.gpuhub.server.hub.web.ImageRoutes imageRoutes =
        new dev.gpuhub.server.hub.web.ImageRoutes(identity, stores.hub(), stores.repository());
    pages.profiles(() -> profileAdmin.section() + imageRoutes.section());
    metrics.usage(quotas::usageByUser);
    metrics.gpuUse(() -> dev.gpuhub.server.hub.spawn.GpuUse.byUser(discovery.gpuActivity().totals()), () -> {
      java.util.Map<dev.gpuhub.core.hub.ServerId, Double> out = new java.util.LinkedHashMap<>();
      for (var server : spawner.servers().keySet()) {
        discovery.gpuActivity().of(Spawner.owner(server)).filter(a -> a.utilisation() != null)
            .ifPresent(a -> out.put(server, a.utilisation()));
      }
      return out;
    });
    jobs.usage(quotas.jobUsage());
    this.app = Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      c.jetty.host = bindHost;
      c.jetty.port = port;
      if (https != null) { // the only connector then: the hub's port speaks HTTPS only
        c.jetty.addConnector((server, http) -> dev.gpuhub.server.http.Connectors.tls(server, http, https, false,
            bindHost, port));
      } else if (workloadBind != null) { // connectors are all explicit once one is added
        c.jetty.addConnector((server, http) -> dev.gpuhub.server.http.Connectors.plain(server, http, bindHost, port));
      }
      if (workloadBind != null) { // the same hub, where workloads reach it (its servers' API calls, job reports)
        c.jetty.addConnector((server, http) -> https != null
            ? dev.gpuhub.server.http.Connectors.tls(server, http, https, false, workloadBind, port)
            : dev.gpuhub.server.http.Connectors.plain(server, http, workloadBind, port));
      }
      c.jetty.modifyServletContextHandler(h -> {
        h.addServlet(new ServletHolder(proxy), "/user/*");
        h.addServlet(new ServletHolder(gateway), "/gateway/*");
        h.addServlet(new ServletHolder(serviceProxy), "/svc/*");
      });
      c.http.maxRequestSize = dev.gpuhub.server.http.JsonBodies.MAX_BODY_BYTES;
      dev.gpuhub.server.hub.web.PageHeaders.install(c, subdomains);
      // first: on a user's subdomain, none of the hub's own routes exist
      new dev.gpuhub.server.hub.web.SubdomainRoutes(identity, subdomains, serverSessions, adminAccess,
          authConfig.cookieSecure()).install(c);
      dev.gpuhub.server.http.ApiErrors.install(c, java.util.stream.Stream.concat(
          java.util.stream.Stream.concat(dev.gpuhub.server.discovery.DiscoveryRoutes.ERRORS.stream(),
              dev.gpuhub.server.hub.jobs.JobRoutes.ERRORS.stream()), SpawnRoutes.ERRORS.stream()).toList());
      authRoutes.install(c);
      new dev.gpuhub.server.hub.auth.OAuthRoutes(auth, adminAccess::isOpen, clock).install(c);
      spawnRoutes.install(c);
      gpuNoticeRoutes.install(c);
      pages.install(c);
      new dev.gpuhub.server.hub.web.AdminAccessRoutes(identity, adminAccess).install(c);
      homes.install(c);
      dataMounts.install(c);
      quotaRoutes.install(c);
      profileAdmin.install(c);
      imageRoutes.install(c);
      jobs.install(c, identity);
      serviceRoutes.install(c);
      c.routes.get("/", ctx -> ctx.redirect("/hub/"));
      c.routes.get("/hub/metrics", ctx -> {
        var caller = auth.caller(ctx).orElseThrow(() -> new dev.gpuhub.server.hub.auth.LoginRequiredException(
            "metrics need a token or session with read:metrics (an admin's)"));
        if (!dev.gpuhub.server.hub.auth.Scopes.allows(caller.scopes(), "read:metrics", null, null)) {
          throw new dev.gpuhub.server.hub.auth.ForbiddenException("reading metrics needs the read:metrics scope (admins have it)");
        }
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
      });
      c.requestLogger.http((ctx, ms) -> {
        if (!ctx.path().startsWith("/hub/")) return;
        String handler;
        try {
          handler = ctx.endpoint().path;
        } catch (RuntimeException e) {
          handler = "unmatched";
        }
        metrics.request(ctx.method().name(), handler, ctx.statusCode(), Duration.ofNanos((long) (ms * 1_000_000)));
      });
    });
    reconciler.loadRecorded(adoptionPatience);
    app.start();
    adoption.scheduleWithFixedDelay(this::adoptPass, 0, 1, TimeUnit.SECONDS);
    adoption.scheduleWithFixedDelay(() -> purgeExpiredTokens(stores.hub()), 1, TOKEN_PURGE_MINUTES, TimeUnit.MINUTES);
    culler.start(spawnerConfig.cullInterval());
    kernelCuller.start(spawnerConfig.kernelCullInterval());
    gpuReclaimer.start();
    jobs.start();
    services.start();
    LOG.atInfo().addKeyValue("url", url()).log("hub listening");
  }

  /** The kernel gateway of an active multi-node server, once its kernel hosts are started. */
  private java.util.Optional<dev.gpuhub.server.hub.proxy.KernelGateways.Target> kernelGateway(
      dev.gpuhub.core.hub.ServerId server) {
    return spawner.server(server).filter(a -> a.snapshot().state().isActive() && a.gatewayToken() != null)
        .map(a -> new dev.gpuhub.server.hub.proxy.KernelGateways.Target(a.gatewayToken(), a.kernelHosts().stream()
            .filter(h -> h.containerId() != null)
            .map(h -> new dev.gpuhub.server.hub.proxy.KernelGateways.Host(h.hostname(), h.ip(), h.port(), h.token(),
                h.basePath()))
            .toList()))
        .filter(t -> !t.hosts().isEmpty());
  }

  /** How often expired API tokens (OAuth tokens last a day) are deleted. */
  static final int TOKEN_PURGE_MINUTES = 10;

  private static void purgeExpiredTokens(dev.gpuhub.store.HubRepository hub) {
    try {
      int purged = hub.deleteExpiredTokens(java.time.Instant.now());
      if (purged > 0) LOG.atInfo().addKeyValue("tokens", purged).log("expired API tokens deleted");
    } catch (RuntimeException e) {
      LOG.warn("could not delete expired API tokens; the next pass will retry", e);
    }
  }

  private void adoptPass() {
    try {
      if (reconciler.awaitingAdoption()) reconciler.tryAdopt();
      else reconciler.releaseLeakedReservations();
      reconciler.resumeInterruptedOnce();
    } catch (RuntimeException e) {
      LOG.warn("adoption pass failed", e);
    }
  }

  /** Stops what runs on a revoked node (see {@link NodeDrain}). */
  public NodeDrain.Result drainNode(String hostname) {
    return drain.drain(hostname);
  }

  /** The replicated services' loop. */
  public ServiceController services() {
    return services;
  }

  public int port() {
    return app.port();
  }

  public String url() {
    return (https ? "https://" : "http://") + (bindHost.equals("0.0.0.0") ? "127.0.0.1" : bindHost) + ":" + port();
  }

  /**
   * Where workloads reach the hub (single-user servers' API calls, multi-node servers' kernel
   * gateway): the second address when one is set, else {@link #url()}.
   */
  public String workloadUrl() {
    if (workloadBind == null) return url();
    for (org.eclipse.jetty.server.Connector c : app.jettyServer().server().getConnectors()) {
      if (c instanceof org.eclipse.jetty.server.ServerConnector sc && workloadBind.equals(sc.getHost())) {
        return (https ? "https://" : "http://") + (workloadBind.contains(":") ? "[" + workloadBind + "]" : workloadBind)
            + ":" + sc.getLocalPort();
      }
    }
    return url();
  }

  public Spawner spawner() {
    return spawner;
  }

  public IdleCuller culler() {
    return culler;
  }

  /** Shuts down idle kernels of multi-node servers. */
  public KernelCuller kernelCuller() {
    return kernelCuller;
  }

  public Reconciler reconciler() {
    return reconciler;
  }

  public RouteTable routes() {
    return routes;
  }

  public HubAuth auth() {
    return auth;
  }

  /** Gives idle GPUs back. */
  public dev.gpuhub.server.hub.spawn.IdleGpuReclaimer gpuReclaimer() {
    return gpuReclaimer;
  }

  /** What users are told about their idle GPUs. */
  public dev.gpuhub.server.hub.spawn.GpuNotices gpuNotices() {
    return gpuNotices;
  }

  /** Training jobs: scheduler, API, page. */
  public Jobs jobs() {
    return jobs;
  }

  @Override
  public void close() {
    adoption.shutdownNow();
    services.close();
    jobs.close();
    culler.close();
    kernelCuller.close();
    gpuReclaimer.close();
    app.stop();
    spawnRoutes.close();
    spawner.close();
  }
}
