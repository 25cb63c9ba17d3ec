package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.server.workload.WorkloadTls;
import dev.gpuhub.core.allocation.Placement;
import dev.gpuhub.core.hub.ServerId;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.placement.NotEnoughNodesException;
import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.server.discovery.NotFoundException;
import dev.gpuhub.server.hub.proxy.ProxyRoute;
import dev.gpuhub.server.hub.proxy.RouteTable;
import dev.gpuhub.server.workload.AgentEndpoint;
import dev.gpuhub.server.workload.Labels;
import dev.gpuhub.server.workload.LaunchException;
import dev.gpuhub.server.workload.PortClaims;
import dev.gpuhub.server.workload.Workload;
import dev.gpuhub.server.workload.WorkloadLauncher;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops users' Jupyter servers (JupyterHub's Spawner contract): takes room through the
 * placement engine ({@link ServerPlacement}, queueing while there is none), lays the server out
 * over its nodes ({@link ServerLayout}), starts every container through the one
 * {@link WorkloadLauncher}, then routes its prefix ({@link ServerId#prefix()}) to it. A user has a
 * default server and up to {@link SpawnerConfig#namedServerLimit()} named ones, each with its own
 * profile, containers, reservation and route. A failed start leaves nothing behind and keeps the
 * reason; stop removes route, containers and reservation.
 */
public final class Spawner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Spawner.class);

  private final SpawnerConfig config;
  private final ClusterView cluster;
  private final WorkloadLauncher launcher;
  private final PortClaims ports;
  private final ServerPlacement placement;
  private final ServerContainers containers;
  private final RouteTable routes;
  private final ServerLedger ledger;
  private final Clock clock;
  private final TrackedServers servers = new TrackedServers();
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "spawner");
    t.setDaemon(true);
    return t;
  });
  private final WorkloadTls tls;
  private final WorkloadTls clusterTls;
  private final HomePlacement homes;
  private final ServerWorkloads workloads;
  private final SecureRandom random = new SecureRandom();
  private final SharedData sharedData = new SharedData();
  private final SpawnChecks checks;
  private final ServerPlacementView placementView;
  private final ImagePulls pulls;
  private volatile SpawnerHooks hooks = SpawnerHooks.NONE;

  /** What the spawner learns from the hub (set once the hub exists; {@link SpawnerHooks#NONE} until then). */
  public void hooks(SpawnerHooks hooks) {
    this.hooks = hooks;
    containers.origins(hooks.hubOrigin(), hooks.serverOrigin());
    sharedData.source(hooks.dataMounts());
    sharedData.groups(hooks.groupsOf());
  }

  private java.time.Duration since(ActiveServer server) {
    return java.time.Duration.between(server.snapshot().startedAt(), clock.instant());
  }

  public Spawner(SpawnerConfig config, ClusterView cluster, WorkloadLauncher launcher, PortClaims ports,
                 RouteTable routes, ServerLedger ledger, Clock clock) {
    this(config, cluster, launcher, ports, routes, ledger, clock, WorkloadTls.off());
  }

  /**
   * A spawner whose servers and kernel hosts serve HTTPS with certificates from {@code tls} when it
   * is on and the server command takes them ({@link SpawnerConfig#servesTls()}), else plain HTTP.
   */
  public Spawner(SpawnerConfig config, ClusterView cluster, WorkloadLauncher launcher, PortClaims ports,
                 RouteTable routes, ServerLedger ledger, Clock clock, WorkloadTls tls) {
    this.tls = config.servesTls() ? tls : WorkloadTls.off();
    this.clusterTls = tls;
    this.config = config;
    this.cluster = cluster;
    this.launcher = launcher;
    this.ports = ports;
    this.placement = new ServerPlacement(launcher.engine(), cluster.placement(), cluster.strict());
    this.containers = new ServerContainers(config, this.tls);
    this.routes = routes;
    this.ledger = ledger;
    this.clock = clock;
    this.homes = new HomePlacement(config.homes(), ledger, cluster, launcher.agents());
    this.checks = new SpawnChecks(config, cluster.profiles(), () -> hooks);
    this.placementView = new ServerPlacementView(launcher.engine(), placement, homes, config);
    this.pulls = new ImagePulls(launcher.agents(), host -> cluster.liveNodes().get().stream()
        .filter(n -> n.hostname().equals(host)).findFirst(), this::endpoint);
    this.workloads = new ServerWorkloads(config, containers, this.tls, this::serverTls, sharedData,
        () -> hooks.hubUrl().get(), this::endpoint, this::claimPort);
  }

  /**
   * How the hub speaks to kernel hosts (and servers of the hub's default start command): HTTPS with
   * the cluster's trust, or plain HTTP.
   */
  public WorkloadTls tls() {
    return tls;
  }

  /** How the hub speaks to a server that starts with {@code start}: HTTPS when it serves it. */
  WorkloadTls serverTls(StartCommand start) {
    return start.servesTls() ? clusterTls : WorkloadTls.off();
  }

  /** Registers the server's API token and OAuth client before it starts or when it is adopted (single-user servers). */
  private void registerApiClient(ServerId id, String serverToken, StartCommand start) {
    if (start.singleUser()) {
      hooks.apiClients().register(id.user(), id.name(), ServerContainers.hubApiToken(serverToken),
          containers.oauthCallback(id));
    }
  }

  /** The route to a ready server: the proxy adds the server's token only for a command template's server. */
  private ProxyRoute route(ServerId id, String nodeIp, int port, String serverToken, StartCommand start) {
    return new ProxyRoute(id, nodeIp, port, start.singleUser() ? null : serverToken, serverTls(start).on());
  }

  /**
   * Starts a spawn in the background and returns its server (PENDING).
   *
   * @throws ServerAlreadyActiveException when the user already has an active server
   * @throws NotFoundException when the profile does not exist
   * @throws ProfileNotAllowedException when the profile is limited to groups the user is not in
   * @throws QuotaExceededException when the start would break the user's or a group's quota
   * @throws IllegalArgumentException for an image or node count the profile does not allow
   */
  public ActiveServer spawn(String user, SpawnOptions options) {
    return spawn(ServerId.defaultOf(user), options);
  }

  /**
   * As {@link #spawn(String, SpawnOptions)} for one of the user's servers, default or named.
   *
   * @throws IllegalArgumentException also when named servers are off, or the user already has as
   *     many active named servers as {@link SpawnerConfig#namedServerLimit()} allows
   */
  public ActiveServer spawn(ServerId id, SpawnOptions options) {
    return spawn(id, options, clock.instant());
  }

  /**
   * As {@link #spawn(ServerId, SpawnOptions)} for a start first asked for at {@code askedAt} (a start
   * a restart of the hub interrupted): it waits in the queue where that time puts it.
   */
  ActiveServer spawn(ServerId id, SpawnOptions options, java.time.Instant askedAt) {
    String user = id.user();
    if (!id.isDefault()) servers.checkNamedServerLimit(id, config.namedServerLimit());
    SpawnChecks.Checked checked = checks.check(user, options);
    Profile profile = checked.profile();
    String image = checked.image();
    int count = checked.nodeCount();
    HomePlacement.HomeChoice homeChoice = HomePlacement.HomeChoice.parse(options.home());
    ActiveServer current = servers.get(id).orElse(null);
    if (current != null && current.snapshot().state().isActive()) throw SpawnChecks.alreadyActive(id, current);
    checks.admit(user, checked);
    ActiveServer server = new ActiveServer(new ActiveServer.Snapshot(user, id.name(), profile.name(), image, List.of(),
        null, null, null, null, 0, newToken(), ServerState.PENDING, askedAt, null), checks.startOf(image));
    ActiveServer previous = servers.claim(id, server);
    if (previous != server) throw SpawnChecks.alreadyActive(id, previous);
    server.progress().append(ProgressEvent.step(0, "Server requested: profile " + profile.name() + ", image " + image));
    try {
      ledger.requested(server.snapshot());
    } catch (RuntimeException e) {
      LOG.warn("could not record the request of {}; a restart of the hub before it runs loses it", id.describe(), e);
    }
    List<String> preferred = options.preferredNodes();
    boolean toHome = false;
    if (preferred.isEmpty()) {
      List<String> home = servers.otherActive(id).isEmpty() ? homePreference(user, count) : homes.nodes(user).stream().limit(1).toList();
      if (!home.isEmpty()) {
        preferred = home;
        toHome = true;
        server.progress().append(ProgressEvent.step(5, "Your home is on " + String.join(", ", home)
            + ": placing there if it has room"));
      }
    }
    List<String> chosen = preferred;
    boolean home = toHome;
    workers.execute(() -> run(server, profile, count, chosen, home, homeChoice));
    return server;
  }

  /** What a start must pass (profile, groups, image, node count, quotas); the forms ask it what to offer. */
  public SpawnChecks checks() {
    return checks;
  }

  /**
   * The nodes a server of {@code count} nodes for {@code user} should go back to, a soft
   * preference: with volume homes (one copy per node) the nodes holding the user's home, when
   * there are as many; otherwise none.
   */
  public List<String> homePreference(String user, int count) {
    return homes.preference(user, count);
  }

  /** The size of the user's home where it is, when a node holding it answers; see {@link SpawnerConfig#homes()} for the quota. */
  public Optional<Long> homeUsedBytes(String user) {
    return homes.usedBytes(user);
  }

  private void run(ActiveServer server, Profile profile, int count, List<String> preferred, boolean toHome,
                   HomePlacement.HomeChoice homeChoice) {
    ServerId id = server.snapshot().id();
    try {
      boolean scratch = homes.beforePlacement(server, homeChoice);
      if (scratch) preferred = List.of();
      else homes.checkQuota(server);
      server.progress().append(ProgressEvent.step(10, "Choosing " + count + " node(s) for " + profile.name()));
      Placement placed = placement.place(server, profile, count, preferred);
      if (!preferred.isEmpty() && !placed.hostnames().equals(preferred)) {
        server.progress().append(ProgressEvent.step(15, toHome
            ? "The node(s) holding your home (" + String.join(", ", preferred) + ") " + homes.whyNot(preferred)
                + "; placed on " + String.join(", ", placed.hostnames()) + " instead: your home moves there first"
            : "The nodes chosen on the form had no room left; placed on " + String.join(", ", placed.hostnames())
                + " instead"));
      }
      if (!scratch) followHome(server, placed);
      pulls.ensure(server, placed.hostnames());
      hooks.observer().placed(since(server));
      registerApiClient(id, server.snapshot().token(), server.start());
      Workload workload = workloads.layOut(server, profile, placed, scratch);
      launcher.launch(workload, new SpawnProgress(server));
      ActiveServer.Snapshot launched = server.snapshot();
      // routed before it is RUNNING, so whoever sees it running can reach it; a failure removes the route
      routes.add(route(id, launched.nodeIp(), launched.port(), launched.token(), server.start()));
      if (!server.transition(ServerState.RUNNING, null)) throw new LaunchException("the server was stopped while starting");
      hooks.observer().ended(true, since(server));
      ActiveServer.Snapshot s = server.snapshot();
      saveRunning(s);
      server.progress().append(ProgressEvent.ready(s.url()));
      LOG.atInfo().addKeyValue("user", id.user()).addKeyValue("server", id.name()).addKeyValue("node", s.primaryHostname()).addKeyValue("port", s.port())
          .log("server ready");
    } catch (HomePlacement.HomeUnavailableException e) {
      fail(server, e.getMessage(), e.node);
    } catch (InterruptedException e) {
      fail(server, "the hub is shutting down");
    } catch (Throwable e) { // whatever happens, the user learns why and nothing is left behind
      fail(server, e instanceof LaunchException || e instanceof NotEnoughNodesException ? e.getMessage() : e.toString());
      if (e instanceof VirtualMachineError vm) throw vm;
    }
  }

  /**
   * Brings a per-node home to the server's primary node. While another of the user's servers uses
   * the home it cannot move: this server must then run where the home is.
   *
   * @throws LaunchException when the home is elsewhere and in use by another of the user's servers
   */
  private void followHome(ActiveServer server, Placement placed) {
    ServerId id = server.snapshot().id();
    List<String> home = homes.nodes(id.user());
    String primary = placed.primary().hostname();
    List<ActiveServer.Snapshot> others = servers.otherActive(id);
    if (!home.isEmpty() && !home.get(0).equals(primary) && !others.isEmpty()) {
      throw new LaunchException("your home is on " + home.get(0) + ", in use by " + others.get(0).id().describe()
          + ", and a server can start beside it only there; " + home.get(0) + " " + homes.whyNot(List.of(home.get(0)))
          + " (moving the home to " + primary + " while a server uses it could lose files). Stop the other server,"
          + " or try again when " + home.get(0) + " has room");
    }
    homes.follow(server, endpoint(primary), this::endpoint);
  }

  private AgentEndpoint endpoint(String hostname) {
    NodeReport node = cluster.liveNodes().get().stream().filter(n -> n.hostname().equals(hostname)).findFirst()
        .orElseThrow(() -> new LaunchException("node " + hostname + " stopped reporting before the container could start"));
    return AgentEndpoint.require(node);
  }

  private int claimPort(String ip) {
    return ports.claim(ip, config.portMin(), config.portMax());
  }

  /** The reservation owner of a user's server. */
  public static String owner(ServerId id) {
    return ServerContainers.owner(id);
  }

  /** Where servers would go and what they hold: the options form's plan, queue positions, reservations. */
  public ServerPlacementView placements() {
    return placementView;
  }

  /** Gives back every port the server claimed. */
  private void releasePorts(ActiveServer server) {
    ActiveServer.Snapshot s = server.snapshot();
    if (s.nodeIp() == null) return;
    ports.release(s.nodeIp(), s.port());
    if (server.workerPort() != null) ports.release(s.nodeIp(), server.workerPort());
    for (KernelHost h : server.kernelHosts()) ports.release(h.ip(), h.port());
  }

  private void fail(ActiveServer server, String reason) {
    fail(server, reason, null);
  }

  /** As the other; {@code homeNode}, when not null, is the node holding the home that was not reporting. */
  private void fail(ActiveServer server, String reason, String homeNode) {
    ActiveServer.Snapshot s = server.snapshot();
    LOG.atWarn().addKeyValue("user", s.user()).addKeyValue("server", s.server()).log("spawn failed: {}", reason);
    routes.remove(s.id());
    hooks.apiClients().forget(s.user(), s.server());
    launcher.stop(server.containerRefs(), List.of(owner(s.id()))); // a failed launch rolled back already; a died one not
    releasePorts(server);
    if (server.snapshot().state() != ServerState.PENDING && server.snapshot().state() != ServerState.RUNNING) {
      return; // being stopped: stop() records the end
    }
    if (!server.transition(ServerState.FAILED, reason)) return;
    hooks.observer().ended(false, since(server));
    try {
      ledger.ended(s.id(), ServerState.FAILED, reason);
    } catch (RuntimeException e) {
      LOG.warn("could not record the failure of {}", s.id().describe(), e);
    }
    server.progress().append(homeNode == null ? ProgressEvent.failure(reason) : ProgressEvent.homeUnavailable(reason, homeNode));
  }

  /**
   * Stops the user's server: route first, then the containers, then the reservation and the record.
   * Returns false when the user had no active server.
   */
  public boolean stop(String user, String reason) {
    return stop(ServerId.defaultOf(user), reason);
  }

  /** As {@link #stop(String, String)} for one of the user's servers, default or named. */
  public boolean stop(ServerId id, String reason) {
    ActiveServer server = servers.get(id).orElse(null);
    if (server == null || !server.transition(ServerState.STOPPING, reason)) return false;
    routes.remove(id);
    hooks.apiClients().forget(id.user(), id.name());
    try {
      launcher.stop(server.containerRefs(), List.of(owner(id)));
      releasePorts(server);
      server.transition(ServerState.STOPPED, reason);
    } catch (RuntimeException e) {
      server.transition(ServerState.FAILED, "stop failed: " + e.getMessage());
      throw e;
    } finally {
      try {
        ledger.ended(id, server.snapshot().state(), reason);
      } catch (RuntimeException e) {
        LOG.warn("could not record the stop of {}", id.describe(), e);
      }
    }
    // a spawn stopped before it was ready ends its progress streams (a no-op once ready)
    server.progress().append(ProgressEvent.failure("Stopped before it was ready: " + reason));
    LOG.atInfo().addKeyValue("user", id.user()).addKeyValue("server", id.name()).addKeyValue("reason", reason)
        .log("server stopped");
    return true;
  }

  /** How many named servers a user may have active besides the default one (0: none). */
  public int namedServerLimit() {
    return config.namedServerLimit();
  }

  /** Stops every active server of the user (logout, account deleted); returns how many stopped. */
  public int stopAll(String user, String reason) {
    int stopped = 0;
    for (ActiveServer s : serversOf(user)) {
      if (stop(s.snapshot().id(), reason)) stopped++;
    }
    return stopped;
  }

  /** Whether the user has a server that is starting, running or stopping. */
  public boolean hasActive(String user) {
    return serversOf(user).stream().anyMatch(s -> s.snapshot().state().isActive());
  }

  /**
   * A RUNNING server whose container stopped without the hub asking: route, containers and
   * reservation go, the server is FAILED with {@code reason}. False when it was not RUNNING.
   */
  public boolean containerGone(ServerId id, String reason) {
    ActiveServer server = servers.get(id).orElse(null);
    if (server == null || server.snapshot().state() != ServerState.RUNNING) return false;
    fail(server, reason);
    return true;
  }

  /**
   * Takes over a server that was running before a restart (see {@link Reconciler}) together with
   * what still runs of its kernel hosts or workers; its ports are held again, and a multi-node
   * server without worker mode gets its kernel gateway back (the token is derived as at the spawn).
   */
  void adopt(ActiveServer.Snapshot running, List<KernelHost> kernelHosts, List<ActiveServer.Worker> workers,
             Integer workerPort) {
    ActiveServer server = new ActiveServer(running, checks.startOf(running.image()));
    for (KernelHost h : kernelHosts) server.addKernelHost(h);
    for (ActiveServer.Worker w : workers) server.addWorker(w);
    if (workerPort != null) server.workerPort(workerPort);
    if (running.nodes() != null && usesKernelHosts(running.profile(), running.nodes().size())) {
      server.gatewayToken(ServerContainers.gatewayToken(running.token()));
    }
    ports.hold(running.nodeIp(), running.port());
    if (workerPort != null) ports.hold(running.nodeIp(), workerPort);
    for (KernelHost h : kernelHosts) ports.hold(h.ip(), h.port());
    servers.put(running.id(), server);
    registerApiClient(running.id(), running.token(), server.start());
    routes.add(route(running.id(), running.nodeIp(), running.port(), running.token(), server.start()));
    server.progress().append(ProgressEvent.ready(running.url()));
  }

  /** Whether a server of {@code profile} on {@code nodeCount} nodes runs kernel hosts (not worker mode). */
  boolean usesKernelHosts(String profile, int nodeCount) {
    return ServerLayout.usesKernelHosts(nodeCount, config.workerModes().containsKey(profile));
  }

  /** The user's default server. */
  public Optional<ActiveServer> server(String user) {
    return server(ServerId.defaultOf(user));
  }

  public Optional<ActiveServer> server(ServerId id) {
    return servers.get(id);
  }

  /** Every tracked server (including stopped and failed ones until replaced). */
  public Map<ServerId, ActiveServer> servers() {
    return servers.all();
  }

  /** The user's tracked servers, the default one first, then by name. */
  public List<ActiveServer> serversOf(String user) {
    return servers.of(user);
  }

  public static String containerName(ServerId id) {
    return ServerContainers.name(id);
  }

  private void saveRunning(ActiveServer.Snapshot s) {
    try {
      ledger.running(s);
    } catch (RuntimeException e) {
      LOG.warn("could not record {}; it will not be adopted after a restart", s.id().describe(), e);
    }
  }

  private String newToken() {
    byte[] b = new byte[24];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
