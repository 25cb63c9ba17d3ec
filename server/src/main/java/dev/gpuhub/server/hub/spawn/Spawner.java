package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.allocation.Placement;
import dev.gpuhub.core.allocation.PlacementEngine;
import dev.gpuhub.core.allocation.PlacementPolicy;
import dev.gpuhub.core.allocation.PlacementRequest;
import dev.gpuhub.core.allocation.PlacementTicket;
import dev.gpuhub.core.allocation.QueueEntry;
import dev.gpuhub.core.allocation.Reservation;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.server.discovery.DiscoveryService;
import dev.gpuhub.server.discovery.NotFoundException;
import dev.gpuhub.server.hub.proxy.ProxyRoute;
import dev.gpuhub.server.hub.proxy.RouteTable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops users' Jupyter servers (JupyterHub's Spawner contract): choose nodes through
 * the discovery service, ask the primary node's agent to start the container, wait until the
 * server answers (bounded by the start timeout), then route {@code /user/<name>/} to it. A failed
 * start removes whatever it created and keeps the reason; stop removes container and route.
 */
public final class Spawner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Spawner.class);
  /** Label carrying the owner on every server container. */
  public static final String USER_LABEL = "gpuhub.user";
  /** Label naming what a gpuhub container is; users' servers carry {@value #KIND_SERVER}. */
  public static final String KIND_LABEL = "gpuhub.kind";
  public static final String KIND_SERVER = "server";
  /** Label carrying the port a kernel host listens on, or a worker-mode head's port (read on adoption). */
  public static final String PORT_LABEL = "gpuhub.port";
  /** Label naming the node of a kernel host or worker container. */
  public static final String NODE_LABEL = "gpuhub.node";
  private static final Duration PROBE_EVERY = Duration.ofMillis(500);

  /**
   * What a user asked for; nulls take the profile's defaults. {@code preferredNodes} (primary first)
   * are used when they are all still eligible and as many as needed; otherwise nodes are chosen anew.
   */
  public record SpawnOptions(String profile, String image, Integer nodeCount, List<String> preferredNodes) {
    public SpawnOptions(String profile, String image, Integer nodeCount) {
      this(profile, image, nodeCount, List.of());
    }

    public SpawnOptions {
      preferredNodes = preferredNodes == null ? List.of() : List.copyOf(preferredNodes);
    }
  }

  private final SpawnerConfig config;
  private final DiscoveryService discovery;
  private final NodeAgentClient agents;
  private final RouteTable routes;
  private final ServerLedger ledger;
  private final Clock clock;
  private final Map<String, ActiveServer> servers = new ConcurrentHashMap<>();
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "spawner");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient probe = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final SecureRandom random = new SecureRandom();
  /** The hub's own URL as nodes reach it (the kernel gateway of multi-node servers lives there). */
  private volatile java.util.function.Supplier<String> hubUrl = () -> null;

  public Spawner(SpawnerConfig config, DiscoveryService discovery, NodeAgentClient agents, RouteTable routes,
                 ServerLedger ledger, Clock clock) {
    this.config = config;
    this.discovery = discovery;
    this.agents = agents;
    this.routes = routes;
    this.ledger = ledger;
    this.clock = clock;
  }

  /** Where users' servers reach the hub's kernel gateway; set once the hub listens. */
  public void hubUrl(java.util.function.Supplier<String> url) {
    this.hubUrl = url;
  }

  /**
   * Starts a spawn in the background and returns its server (PENDING).
   *
   * @throws ServerAlreadyActiveException when the user already has an active server
   * @throws NotFoundException when the profile does not exist
   * @throws IllegalArgumentException for an image or node count the profile does not allow
   */
  public ActiveServer spawn(String user, SpawnOptions options) {
    Profile profile = discovery.profile(options.profile() == null ? "single-cpu" : options.profile())
        .orElseThrow(() -> new NotFoundException("profile '" + options.profile() + "' does not exist"));
    String image = chooseImage(profile, options.image());
    int count = options.nodeCount() == null ? profile.minNodes() : options.nodeCount();
    if (count < profile.minNodes() || count > profile.maxNodes()) {
      throw new IllegalArgumentException("profile " + profile.name() + " allows " + profile.minNodes() + " to "
          + profile.maxNodes() + " nodes; " + count + " requested");
    }
    ActiveServer server = new ActiveServer(new ActiveServer.Snapshot(user, profile.name(), image, List.of(), null,
        null, null, null, 0, newToken(), ServerState.PENDING, clock.instant(), null));
    ActiveServer previous = servers.compute(user, (u, old) ->
        old != null && old.snapshot().state().isActive() ? old : server);
    if (previous != server) {
      throw new ServerAlreadyActiveException(user + " already has a server (" + previous.snapshot().state().name().toLowerCase()
          + "); stop it first");
    }
    server.progress().append(ProgressEvent.step(0, "Server requested: profile " + profile.name() + ", image " + image));
    workers.execute(() -> run(server, profile, count, options.preferredNodes()));
    return server;
  }

  private String chooseImage(Profile profile, String requested) {
    String preferred = profile.gpuRequired() ? config.gpuImage() : config.cpuImage();
    if (requested == null || requested.isBlank()) return preferred;
    if (requested.equals(config.cpuImage()) || requested.equals(config.gpuImage())) return requested;
    throw new IllegalArgumentException("image '" + requested + "' is not offered; choose " + config.cpuImage()
        + (config.gpuImage().equals(config.cpuImage()) ? "" : " or " + config.gpuImage()));
  }

  private void run(ActiveServer server, Profile profile, int count, List<String> preferred) {
    String user = server.snapshot().user();
    try {
      server.progress().append(ProgressEvent.step(10, "Choosing " + count + " node(s) for " + profile.name()));
      Placement placed = place(server, profile, count, preferred);
      if (!preferred.isEmpty() && !placed.hostnames().equals(preferred)) {
        server.progress().append(ProgressEvent.step(15, "The nodes chosen on the form had no room left; placed on "
            + String.join(", ", placed.hostnames()) + " instead"));
      }
      NodeReport primary = liveNode(placed.primary().hostname());
      if (primary.agentPort() == null) {
        throw new SpawnException("node " + primary.hostname() + " has no node API (its agent runs without --api-port)");
      }
      int port = freePort(primary.ip());
      server.placed(placed.hostnames(), primary.hostname(), primary.ip(), primary.agentPort(), port);
      WorkerMode workerMode = config.workerModes().get(profile.name());
      boolean kernelHosts = placed.hostnames().size() > 1 && workerMode == null;
      if (kernelHosts) server.gatewayToken(gatewayToken(server.snapshot().token()));
      if (workerMode != null) server.workerPort(freePort(primary.ip()));
      ActiveServer.Snapshot s = server.snapshot();
      List<String> gpus = placed.primary().gpuUuids();
      server.progress().append(ProgressEvent.step(30, "Starting the container on " + primary.hostname()
          + (gpus.isEmpty() ? "" : " with GPU " + String.join(", ", gpus))));
      agents.remove(s.agentUrl(), containerName(user)); // a leftover of a crashed hub would clash by name
      String id = agents.start(s.agentUrl(), spec(s, profile, primary, gpus, server.gatewayToken(), workerMode,
          server.workerPort()));
      server.started(id);
      if (placement().bind(owner(user), Map.of(primary.hostname(), id)).isEmpty()) {
        throw new SpawnException("the reservation lapsed before the container started (hold timeout)");
      }
      if (kernelHosts) startKernelHosts(server, profile, placed);
      if (workerMode != null && placed.hostnames().size() > 1) startWorkers(server, profile, placed, workerMode);
      server.progress().append(ProgressEvent.step(50, "Container started on " + primary.hostname() + "; waiting for Jupyter to answer"));
      awaitReady(server.snapshot());
      if (!server.transition(ServerState.RUNNING, null)) throw new SpawnException("the server was stopped while starting");
      routes.add(new ProxyRoute(user, primary.ip(), port, s.token()));
      saveRunning(server.snapshot());
      server.progress().append(ProgressEvent.ready(s.url()));
      LOG.atInfo().addKeyValue("user", user).addKeyValue("node", primary.hostname()).addKeyValue("port", port).log("server ready");
    } catch (Throwable e) { // whatever happens, the user learns why and nothing is left behind
      fail(server, e instanceof SpawnException || e instanceof NodeAgentClient.AgentCallException
          || e instanceof dev.gpuhub.core.placement.NotEnoughNodesException ? e.getMessage() : e.toString());
      if (e instanceof VirtualMachineError vm) throw vm;
    }
  }

  /**
   * Takes reservations through the placement engine, waiting in its queue while there is no room
   * and reporting the position as progress; fails when the wait runs out or the user cancels.
   */
  private Placement place(ActiveServer server, Profile profile, int count, List<String> preferred) {
    String owner = owner(server.snapshot().user());
    PlacementPolicy override = profile.placementPolicy() == null ? discovery.placementConfig().defaultPolicy() : null;
    PlacementRequest request = PlacementRequest.forProfile(owner, profile, count, discovery.strictDefault(), override,
        preferred);
    PlacementTicket ticket = placement().submit(request, discovery.placementConfig().queueMaxWait());
    QueueEntry shown = null;
    while (true) {
      try {
        return ticket.result().get(1, TimeUnit.SECONDS);
      } catch (TimeoutException stillQueued) {
        if (server.snapshot().state() != ServerState.PENDING) {
          placement().release(owner);
          throw new SpawnException("cancelled while waiting for room");
        }
        QueueEntry q = placement().queued(owner).orElse(null);
        if (q != null && (shown == null || q.position() != shown.position()
            || !java.util.Objects.equals(q.estimatedSeconds(), shown.estimatedSeconds()))) {
          server.progress().append(ProgressEvent.queued(q));
          shown = q;
        }
      } catch (java.util.concurrent.CancellationException e) {
        throw new SpawnException("cancelled while waiting for room");
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) throw r;
        throw new SpawnException(String.valueOf(e.getCause()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        placement().release(owner);
        throw new SpawnException("interrupted while waiting for room");
      }
    }
  }

  private NodeReport liveNode(String hostname) {
    return discovery.liveNodes().stream().filter(n -> n.hostname().equals(hostname)).findFirst()
        .orElseThrow(() -> new SpawnException("node " + hostname + " stopped reporting before the container could start"));
  }

  private PlacementEngine placement() {
    return discovery.placement();
  }

  /** The reservation owner of a user's default server. */
  public static String owner(String user) {
    return "server:" + user;
  }

  /** The user's queued spawn, if it waits for room. */
  public Optional<QueueEntry> queued(String user) {
    return placement().queued(owner(user));
  }

  /** What the user's server holds, primary first. */
  public List<Reservation> reservations(String user) {
    return placement().reservationsOf(owner(user));
  }

  private void awaitReady(ActiveServer.Snapshot s) {
    long deadline = System.nanoTime() + config.startTimeout().toNanos();
    URI status = URI.create(ProxyRoute.origin("http", s.nodeIp(), s.port())
        + s.url() + "api/status");
    int probes = 0;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<Void> r = probe.send(HttpRequest.newBuilder(status).timeout(Duration.ofSeconds(2))
            .header("Authorization", "token " + s.token()).GET().build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) return;
      } catch (java.io.IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SpawnException("interrupted while waiting for the server");
      }
      if (++probes % 4 == 0) {
        var c = agents.inspect(s.agentUrl(), s.containerId());
        if (c.isEmpty() || !c.get().running()) {
          throw new SpawnException("the container stopped before Jupyter answered (exit code "
              + c.map(NodeAgentClient.Container::exitCode).orElse(null) + "): "
              + lastLines(agents.logs(s.agentUrl(), s.containerId(), 20)));
        }
      }
      sleep(PROBE_EVERY);
    }
    throw new SpawnException("Jupyter did not answer within " + config.startTimeout().toSeconds() + " s (start timeout)");
  }

  /**
   * Starts one kernel host on every selected node (primary included) through that node's agent,
   * binds each node's reservation to it, and waits until every host answers.
   */
  private void startKernelHosts(ActiveServer server, Profile profile, Placement placed) {
    ActiveServer.Snapshot s = server.snapshot();
    Map<String, String> bound = new HashMap<>();
    for (Reservation r : placed.reservations()) {
      NodeReport node = liveNode(r.hostname());
      if (node.agentPort() == null) {
        throw new SpawnException("node " + node.hostname() + " has no node API (its agent runs without --api-port)");
      }
      KernelHost host = new KernelHost(node.hostname(), node.ip(), node.agentPort(), null, freePort(node.ip()),
          kernelHostToken(s.token(), node.hostname()), KernelHost.basePathOf(s.user(), node.hostname()));
      server.addKernelHost(host); // before the start, so the port is taken and a failure removes it by name
      server.progress().append(ProgressEvent.step(40, "Starting the kernel host on " + node.hostname()
          + (r.gpuUuids().isEmpty() ? "" : " with GPU " + String.join(", ", r.gpuUuids()))));
      agents.remove(host.agentUrl(), KernelHost.containerName(s.user(), node.hostname()));
      String id = agents.start(host.agentUrl(), kernelHostSpec(s, profile, host, r.gpuUuids()));
      host = host.withContainer(id);
      server.addKernelHost(host);
      bound.put(node.hostname(), id);
    }
    bound.put(s.primaryHostname(), s.containerId()); // the primary's reservation stays with the user's server
    if (placement().bind(owner(s.user()), bound).isEmpty()) {
      throw new SpawnException("the reservation lapsed before the kernel hosts started (hold timeout)");
    }
    for (KernelHost host : server.kernelHosts()) {
      awaitAnswer(URI.create(ProxyRoute.origin("http", host.ip(), host.port()) + host.basePath() + "api/status"),
          host.token(), host.agentUrl(), host.containerId(), "the kernel host on " + host.hostname());
    }
    server.progress().append(ProgressEvent.step(45, "Kernel hosts ready on " + String.join(", ", placed.hostnames())));
  }

  private NodeAgentClient.Spec kernelHostSpec(ActiveServer.Snapshot s, Profile profile, KernelHost host, List<String> gpus) {
    Map<String, String> env = new HashMap<>();
    env.put("GPUHUB_NODE", host.hostname());
    env.put("GPUHUB_USER", s.user());
    env.put("GPUHUB_PORT", Integer.toString(host.port()));
    env.put("JUPYTERHUB_USER", s.user());
    Map<String, String> labels = Map.of(USER_LABEL, s.user(), KIND_LABEL, KernelHost.KIND, "gpuhub.profile", profile.name(),
        "gpuhub.reservation", owner(s.user()), NODE_LABEL, host.hostname(), PORT_LABEL, Integer.toString(host.port()));
    return new NodeAgentClient.Spec(KernelHost.containerName(s.user(), host.hostname()), s.image(),
        config.commandFor(host.ip(), host.port(), s.user(), host.token(), host.basePath()), env, labels,
        profile.cpuRequirement(), (long) (profile.ramRequirement() * (1L << 30)), gpus);
  }

  private void awaitAnswer(URI status, String token, String agentUrl, String containerId, String what) {
    long deadline = System.nanoTime() + config.startTimeout().toNanos();
    int probes = 0;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<Void> r = probe.send(HttpRequest.newBuilder(status).timeout(Duration.ofSeconds(2))
            .header("Authorization", "token " + token).GET().build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) return;
      } catch (java.io.IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SpawnException("interrupted while waiting for " + what);
      }
      if (++probes % 4 == 0) {
        var c = agents.inspect(agentUrl, containerId);
        if (c.isEmpty() || !c.get().running()) {
          throw new SpawnException(what + " stopped before Jupyter answered (exit code "
              + c.map(NodeAgentClient.Container::exitCode).orElse(null) + "): "
              + lastLines(agents.logs(agentUrl, containerId, 20)));
        }
      }
      sleep(PROBE_EVERY);
    }
    throw new SpawnException(what + " did not answer within " + config.startTimeout().toSeconds() + " s (start timeout)");
  }

  /** Removes every kernel host of the server, on every node; failures are logged, the rest still go. */
  private void removeKernelHosts(ActiveServer server) {
    for (KernelHost host : server.kernelHosts()) {
      try {
        agents.remove(host.agentUrl(), host.containerId() != null ? host.containerId()
            : KernelHost.containerName(server.snapshot().user(), host.hostname()));
      } catch (RuntimeException e) {
        LOG.atWarn().addKeyValue("user", server.snapshot().user()).addKeyValue("node", host.hostname())
            .log("could not remove the kernel host: {}", e.getMessage());
      }
    }
  }

  /**
   * Worker mode: one worker container per secondary node through that node's agent, the
   * placeholders filled; binds each node's reservation to it and checks that every worker is still
   * running a moment after its start (a worker command that exits fails the spawn).
   */
  private void startWorkers(ActiveServer server, Profile profile, Placement placed, WorkerMode mode) {
    ActiveServer.Snapshot s = server.snapshot();
    Map<String, String> bound = new HashMap<>();
    for (Reservation r : placed.reservations()) {
      if (r.hostname().equals(s.primaryHostname())) continue;
      NodeReport node = liveNode(r.hostname());
      if (node.agentPort() == null) {
        throw new SpawnException("node " + node.hostname() + " has no node API (its agent runs without --api-port)");
      }
      ActiveServer.Worker worker = new ActiveServer.Worker(node.hostname(), node.ip(), node.agentPort(), null);
      server.addWorker(worker); // before the start, so a failure removes it by name
      server.progress().append(ProgressEvent.step(40, "Starting the worker on " + node.hostname()
          + (r.gpuUuids().isEmpty() ? "" : " with GPU " + String.join(", ", r.gpuUuids()))));
      String name = WorkerMode.containerName(s.user(), node.hostname());
      agents.remove(worker.agentUrl(), name);
      Map<String, String> env = new HashMap<>();
      env.put("GPUHUB_NODE", node.hostname());
      env.put("GPUHUB_USER", s.user());
      env.put("GPUHUB_PRIMARY_IP", s.nodeIp());
      env.put("GPUHUB_WORKER_PORT", Integer.toString(server.workerPort()));
      Map<String, String> labels = Map.of(USER_LABEL, s.user(), KIND_LABEL, WorkerMode.KIND, "gpuhub.profile", profile.name(),
          "gpuhub.reservation", owner(s.user()), NODE_LABEL, node.hostname(), PORT_LABEL,
          Integer.toString(server.workerPort()));
      String id = agents.start(worker.agentUrl(), new NodeAgentClient.Spec(name, s.image(),
          WorkerMode.shell(mode.workerCommand(), s.nodeIp(), server.workerPort(), node.hostname(), s.user()), env, labels,
          profile.cpuRequirement(), (long) (profile.ramRequirement() * (1L << 30)), r.gpuUuids()));
      server.addWorker(new ActiveServer.Worker(node.hostname(), node.ip(), node.agentPort(), id));
      bound.put(node.hostname(), id);
    }
    bound.put(s.primaryHostname(), s.containerId());
    if (placement().bind(owner(s.user()), bound).isEmpty()) {
      throw new SpawnException("the reservation lapsed before the workers started (hold timeout)");
    }
    sleep(Duration.ofSeconds(1));
    for (ActiveServer.Worker w : server.workers()) {
      var c = agents.inspect(w.agentUrl(), w.containerId());
      if (c.isEmpty() || !c.get().running()) {
        throw new SpawnException("the worker on " + w.hostname() + " stopped right after its start (exit code "
            + c.map(NodeAgentClient.Container::exitCode).orElse(null) + "): "
            + lastLines(agents.logs(w.agentUrl(), w.containerId(), 20)));
      }
    }
    server.progress().append(ProgressEvent.step(45, "Workers running on " + server.workers().stream()
        .map(ActiveServer.Worker::hostname).toList() + "; head on " + s.primaryHostname() + ":" + server.workerPort()));
  }

  /** Removes every worker of the server, on every node; failures are logged, the rest still go. */
  private void removeWorkers(ActiveServer server) {
    for (ActiveServer.Worker w : server.workers()) {
      try {
        agents.remove(w.agentUrl(), w.containerId() != null ? w.containerId()
            : WorkerMode.containerName(server.snapshot().user(), w.hostname()));
      } catch (RuntimeException e) {
        LOG.atWarn().addKeyValue("user", server.snapshot().user()).addKeyValue("node", w.hostname())
            .log("could not remove the worker: {}", e.getMessage());
      }
    }
  }

  private NodeAgentClient.Spec spec(ActiveServer.Snapshot s, Profile profile, NodeReport primary, List<String> gpus,
                                    String gatewayToken, WorkerMode workerMode, Integer workerPort) {
    Map<String, String> env = new HashMap<>();
    env.put("GPUHUB_NODE", primary.hostname());
    env.put("GPUHUB_USER", s.user());
    env.put("GPUHUB_PORT", Integer.toString(s.port()));
    env.put("JUPYTERHUB_USER", s.user());
    Map<String, String> labels = Map.of(USER_LABEL, s.user(), KIND_LABEL, KIND_SERVER, "gpuhub.profile", profile.name(),
        "gpuhub.reservation", owner(s.user()));
    List<String> command = new ArrayList<>(config.commandFor(primary.ip(), s.port(), s.user(), s.token()));
    if (gatewayToken != null) { // multi-node: kernels run on the kernel hosts, through the hub's gateway
      String hub = hubUrl.get();
      if (hub == null) throw new SpawnException("the hub's URL is unknown; multi-node servers need the kernel gateway");
      command.add("--GatewayClient.url=" + hub + "/gateway/" + s.user());
      command.add("--GatewayClient.auth_token=" + gatewayToken);
      command.add("--GatewayClient.request_timeout=" + Math.max(40, config.startTimeout().toSeconds()));
    }
    if (workerMode != null) {
      env.put("GPUHUB_PRIMARY_IP", primary.ip());
      env.put("GPUHUB_WORKER_PORT", Integer.toString(workerPort));
      if (workerMode.headCommand() != null) { // the head runs in the primary container, beside Jupyter
        String head = WorkerMode.fill(workerMode.headCommand(), primary.ip(), workerPort, primary.hostname(), s.user());
        command = new ArrayList<>(List.of("sh", "-c", "(" + head + ") & exec " + String.join(" ", command)));
      }
    }
    return new NodeAgentClient.Spec(containerName(s.user()), s.image(), command, env, labels,
        profile.cpuRequirement(), (long) (profile.ramRequirement() * (1L << 30)), gpus);
  }

  private void fail(ActiveServer server, String reason) {
    ActiveServer.Snapshot s = server.snapshot();
    LOG.atWarn().addKeyValue("user", s.user()).log("spawn failed: {}", reason);
    routes.remove(s.user());
    if (s.agentUrl() != null) {
      try {
        agents.remove(s.agentUrl(), s.containerId() != null ? s.containerId() : containerName(s.user()));
      } catch (RuntimeException e) {
        LOG.atWarn().addKeyValue("user", s.user()).log("could not remove the failed container: {}", e.getMessage());
      }
    }
    removeKernelHosts(server);
    removeWorkers(server);
    releaseQuietly(s.user());
    if (server.snapshot().state() != ServerState.PENDING && server.snapshot().state() != ServerState.RUNNING) {
      return; // being stopped: stop() records the end
    }
    if (!server.transition(ServerState.FAILED, reason)) return;
    try {
      ledger.ended(s.user(), ServerState.FAILED, reason);
    } catch (RuntimeException e) {
      LOG.warn("could not record the failure of {}'s server", s.user(), e);
    }
    server.progress().append(ProgressEvent.failure(reason));
  }

  /**
   * Stops the user's server: route first, then the container, then the record. Returns false when
   * the user had no active server.
   */
  public boolean stop(String user, String reason) {
    ActiveServer server = servers.get(user);
    if (server == null || !server.transition(ServerState.STOPPING, reason)) return false;
    routes.remove(user);
    ActiveServer.Snapshot s = server.snapshot();
    try {
      if (s.agentUrl() != null) agents.remove(s.agentUrl(), s.containerId() != null ? s.containerId() : containerName(user));
      removeKernelHosts(server);
      removeWorkers(server);
      placement().release(owner(user));
      server.transition(ServerState.STOPPED, reason);
    } catch (RuntimeException e) {
      server.transition(ServerState.FAILED, "stop failed: " + e.getMessage());
      throw e;
    } finally {
      try {
        ledger.ended(user, server.snapshot().state(), reason);
      } catch (RuntimeException e) {
        LOG.warn("could not record the stop of {}'s server", user, e);
      }
    }
    LOG.atInfo().addKeyValue("user", user).addKeyValue("reason", reason).log("server stopped");
    return true;
  }

  /**
   * A RUNNING server whose container stopped without the hub asking: route, container and
   * reservation go, the server is FAILED with {@code reason}. False when it was not RUNNING.
   */
  public boolean containerGone(String user, String reason) {
    ActiveServer server = servers.get(user);
    if (server == null || server.snapshot().state() != ServerState.RUNNING) return false;
    fail(server, reason);
    return true;
  }

  private void releaseQuietly(String user) {
    try {
      placement().release(owner(user));
    } catch (RuntimeException e) {
      LOG.atWarn().addKeyValue("user", user).log("could not release the reservation: {}", e.getMessage());
    }
  }

  /**
   * Takes over a server that was running before a restart (see {@link Reconciler}) together with what still runs of its
   * kernel hosts or workers (see {@link Reconciler}); a multi-node server without worker mode gets
   * its kernel gateway back (its token is derived from the server's token, as at the spawn).
   */
  void adopt(ActiveServer.Snapshot running, List<KernelHost> kernelHosts, List<ActiveServer.Worker> workers,
             Integer workerPort) {
    ActiveServer server = new ActiveServer(running);
    for (KernelHost h : kernelHosts) server.addKernelHost(h);
    for (ActiveServer.Worker w : workers) server.addWorker(w);
    if (workerPort != null) server.workerPort(workerPort);
    if (running.nodes() != null && usesKernelHosts(running.profile(), running.nodes().size())) {
      server.gatewayToken(gatewayToken(running.token()));
    }
    servers.put(running.user(), server);
    routes.add(new ProxyRoute(running.user(), running.nodeIp(), running.port(), running.token()));
    server.progress().append(ProgressEvent.ready(running.url()));
  }

  /** Whether a server of {@code profile} on {@code nodeCount} nodes runs kernel hosts (not worker mode). */
  boolean usesKernelHosts(String profile, int nodeCount) {
    return nodeCount > 1 && !config.workerModes().containsKey(profile);
  }

  /** The token a multi-node server presents to the hub's kernel gateway, derived from the server's token. */
  static String gatewayToken(String serverToken) {
    return derive(serverToken, "gateway");
  }

  /** The Jupyter token of a multi-node server's kernel host on {@code node}, derived from the server's token. */
  static String kernelHostToken(String serverToken, String node) {
    return derive(serverToken, "kernelhost:" + node);
  }

  private static String derive(String serverToken, String purpose) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(serverToken.getBytes(java.nio.charset.StandardCharsets.UTF_8),
          "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(purpose.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  public Optional<ActiveServer> server(String user) {
    return Optional.ofNullable(servers.get(user));
  }

  /** Every tracked server by user (including stopped and failed ones until replaced). */
  public Map<String, ActiveServer> servers() {
    return Map.copyOf(servers);
  }

  public static String containerName(String user) {
    return "gpuhub-" + user;
  }

  private void saveRunning(ActiveServer.Snapshot s) {
    try {
      ledger.running(s);
    } catch (RuntimeException e) {
      LOG.warn("could not record {}'s running server; it will not be adopted after a restart", s.user(), e);
    }
  }

  /** A port no active server uses on this address (several nodes may share one address in tests). */
  private synchronized int freePort(String ip) {
    java.util.Set<Integer> taken = new java.util.HashSet<>();
    for (ActiveServer a : servers.values()) {
      ActiveServer.Snapshot s = a.snapshot();
      if (s.state().isActive() && ip.equals(s.nodeIp())) taken.add(s.port());
      if (s.state().isActive()) {
        for (KernelHost h : a.kernelHosts()) if (ip.equals(h.ip())) taken.add(h.port());
        if (a.workerPort() != null && ip.equals(s.nodeIp())) taken.add(a.workerPort());
      }
    }
    for (int i = 0; i < 1000; i++) {
      int p = config.portMin() + random.nextInt(config.portMax() - config.portMin() + 1);
      if (!taken.contains(p)) return p;
    }
    throw new SpawnException("no free port left between " + config.portMin() + " and " + config.portMax() + " on " + ip);
  }

  private String newToken() {
    byte[] b = new byte[24];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static String lastLines(String logs) {
    String[] lines = logs.strip().split("\n");
    return String.join(" | ", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 5), lines.length));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SpawnException("interrupted");
    }
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }

  /** A spawn step failed; the message is shown to the user. */
  static final class SpawnException extends RuntimeException {
    SpawnException(String message) {
      super(message);
    }
  }
}
