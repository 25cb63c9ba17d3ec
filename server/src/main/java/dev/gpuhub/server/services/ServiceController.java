package dev.gpuhub.server.services;

import dev.gpuhub.core.allocation.NodeAllocation;
import dev.gpuhub.core.allocation.PlacementEngine;
import dev.gpuhub.core.allocation.PlacementPolicy;
import dev.gpuhub.core.allocation.PlacementRequest;
import dev.gpuhub.core.allocation.Reservation;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.placement.Thresholds;
import dev.gpuhub.core.service.ServiceSpec;
import dev.gpuhub.server.workload.AgentCallException;
import dev.gpuhub.server.workload.AgentEndpoint;
import dev.gpuhub.server.workload.Labels;
import dev.gpuhub.server.workload.PortClaims;
import dev.gpuhub.server.workload.Workload;
import dev.gpuhub.server.workload.WorkloadLauncher;
import dev.gpuhub.store.ServiceRepository;
import dev.gpuhub.wire.node.ContainerView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services loop (SPEC §6): every period it reads each service's request rate from the
 * {@link RequestMeter}, and when some service's capacity no longer matches its load (the HPA count
 * ceil(rate / threshold), within its bounds, differs from the replicas the last plan gave it), or
 * services or nodes changed, asks the {@link ServicePlanner} for replica counts and nodes and applies
 * the difference: new replicas first (reserved on exactly the planned node through the placement
 * engine, started through the node's agent, routed once they answer HTTP), then surplus replicas
 * are taken out of the router, drained of their open requests and stopped. Replica starts that need
 * room a surplus replica frees are retried after the stops. No request is dropped by a change.
 */
public final class ServiceController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceController.class);

  /** What one pass did, for logs and tests. */
  public record Pass(boolean replanned, Map<String, Double> rates, Map<String, List<String>> plan,
                     List<String> started, List<String> stopped, List<String> problems) {}

  private final ServiceRepository repository;
  private final WorkloadLauncher launcher;
  private final PlacementEngine engine;
  private final Supplier<List<NodeReport>> liveNodes;
  private final PortClaims ports;
  private final ServiceRouter router;
  private final RequestMeter meter;
  private final ServicePlanner planner;
  private final ServiceControllerConfig config;
  private final Map<String, List<ServiceReplica>> running = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> nextIndex = new ConcurrentHashMap<>();
  private final ExecutorService starters = Executors.newFixedThreadPool(4, daemon("service-start"));
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(daemon("service-loop"));
  private Map<String, Integer> plannedFor = Map.of();
  private Set<String> plannedNodes = Set.of();
  private long lastDrain = System.nanoTime();
  private volatile Pass lastPass;
  private boolean adopted;
  /** Longest wait for the nodes of surviving service reservations before adopting without them. */
  static final Duration ADOPTION_PATIENCE = Duration.ofSeconds(60);

  public ServiceController(ServiceRepository repository, WorkloadLauncher launcher, Supplier<List<NodeReport>> liveNodes,
                           PortClaims ports, ServiceRouter router, RequestMeter meter, ServicePlanner planner,
                           ServiceControllerConfig config) {
    this.repository = repository;
    this.launcher = launcher;
    this.engine = launcher.engine();
    this.liveNodes = liveNodes;
    this.ports = ports;
    this.router = router;
    this.meter = meter;
    this.planner = planner;
    this.config = config;
  }

  /**
   * Runs {@link #reconcile()} every period. First it adopts the replicas a previous run left, as soon
   * as every node holding a service reservation reports again (or after {@link #ADOPTION_PATIENCE});
   * until then it plans nothing, so no replica is started twice.
   */
  public void start() {
    long ms = config.period().toMillis();
    long startedAt = System.nanoTime();
    loop.scheduleWithFixedDelay(() -> {
      try {
        if (!adopted) {
          boolean patienceOver = System.nanoTime() - startedAt > ADOPTION_PATIENCE.toNanos();
          if (!patienceOver && !reservedNodesReport()) return;
          adoptLeftovers();
        }
        reconcile();
      } catch (RuntimeException e) {
        LOG.warn("services pass failed; the next one retries", e);
      }
    }, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** One pass; see the class comment. */
  public synchronized Pass reconcile() {
    long now = System.nanoTime();
    double seconds = Math.max(0.001, (now - lastDrain) / 1e9);
    lastDrain = now;
    Map<String, Double> rates = meter.drain(seconds);
    List<ServiceSpec> specs = repository.all();
    Set<String> declared = new HashSet<>();
    for (ServiceSpec s : specs) {
      declared.add(s.name());
      router.strategy(s.name(), s.strategy());
    }
    List<String> stopped = new ArrayList<>();
    for (String gone : List.copyOf(running.keySet())) {
      if (!declared.contains(gone)) {
        for (ServiceReplica r : List.copyOf(running.get(gone))) stopped.add(retire(r));
        running.remove(gone);
        router.drop(gone);
      }
    }
    Map<String, NodeReport> live = liveByHost();
    boolean lostReplica = dropReplicasOnLostNodes(live, stopped);
    List<ServiceLoad> loads = new ArrayList<>();
    Map<String, Integer> needed = new TreeMap<>();
    for (ServiceSpec s : specs) {
      ServiceLoad load = new ServiceLoad(s, rates.getOrDefault(s.name(), 0.0));
      loads.add(load);
      needed.put(s.name(), load.replicasNeeded());
    }
    boolean replan = lostReplica || !needed.equals(plannedFor) || !live.keySet().equals(plannedNodes);
    if (!replan || specs.isEmpty()) {
      lastPass = new Pass(false, rates, Map.of(), List.of(), stopped, List.of());
      return lastPass;
    }
    Map<String, List<String>> plan;
    try {
      plan = planner.plan(loads, rooms(live));
    } catch (RuntimeException e) {
      lastPass = new Pass(false, rates, Map.of(), List.of(), stopped, List.of("no plan: " + e.getMessage()));
      LOG.warn("services: no plan fits: {}", e.getMessage());
      return lastPass;
    }
    List<String> problems = new ArrayList<>();
    List<String> started = apply(specs, plan, live, stopped, problems);
    if (problems.isEmpty()) {
      // What the plan gave, not what was asked: a plan that gave a service fewer replicas than its
      // HPA count (the rate was lower when it was made) is made again next period.
      Map<String, Integer> gave = new TreeMap<>();
      needed.forEach((name, n) -> gave.put(name, Math.min(n, plan.getOrDefault(name, List.of()).size())));
      plannedFor = gave;
      plannedNodes = live.keySet();
    }
    lastPass = new Pass(true, rates, plan, started, stopped, problems);
    if (started.isEmpty() && stopped.isEmpty() && problems.isEmpty()) return lastPass;
    LOG.atInfo().addKeyValue("plan", plan).addKeyValue("started", started).addKeyValue("stopped", stopped)
        .addKeyValue("problems", problems).log("services re-planned");
    return lastPass;
  }

  private List<String> apply(List<ServiceSpec> specs, Map<String, List<String>> plan, Map<String, NodeReport> live,
                             List<String> stopped, List<String> problems) {
    Map<String, ServiceSpec> byName = new HashMap<>();
    specs.forEach(s -> byName.put(s.name(), s));
    Map<ServiceSpec, List<String>> toStart = new LinkedHashMap<>();
    List<ServiceReplica> surplus = new ArrayList<>();
    for (ServiceSpec s : specs) {
      List<String> want = new ArrayList<>(plan.getOrDefault(s.name(), List.of()));
      for (ServiceReplica r : current(s.name())) {
        if (!want.remove(r.hostname())) surplus.add(r);
      }
      toStart.put(s, want);
    }
    List<String> started = new ArrayList<>();
    Map<ServiceSpec, List<String>> retry = startAll(toStart, live, started, null);
    for (ServiceReplica r : surplus) stopped.add(retire(r)); // only after the new ones are routed
    if (!retry.isEmpty()) startAll(retry, live, started, problems);
    return started;
  }

  /** Starts replicas in parallel; returns those that found no room (or records them as problems when last). */
  private Map<ServiceSpec, List<String>> startAll(Map<ServiceSpec, List<String>> toStart, Map<String, NodeReport> live,
                                                  List<String> started, List<String> problems) {
    Map<ServiceSpec, List<CompletableFuture<String>>> futures = new LinkedHashMap<>();
    toStart.forEach((spec, hosts) -> {
      List<CompletableFuture<String>> fs = new ArrayList<>();
      for (String h : hosts) fs.add(CompletableFuture.supplyAsync(() -> startReplica(spec, live.get(h), h), starters));
      futures.put(spec, fs);
    });
    Map<ServiceSpec, List<String>> failed = new LinkedHashMap<>();
    futures.forEach((spec, fs) -> {
      List<String> hosts = toStart.get(spec);
      for (int i = 0; i < fs.size(); i++) {
        try {
          started.add(fs.get(i).join());
        } catch (RuntimeException e) {
          String why = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
          if (problems != null) problems.add(spec.name() + " on " + hosts.get(i) + ": " + why);
          else failed.computeIfAbsent(spec, x -> new ArrayList<>()).add(hosts.get(i));
        }
      }
    });
    return failed;
  }

  private String startReplica(ServiceSpec spec, NodeReport node, String hostname) {
    if (node == null || node.agentPort() == null) throw new IllegalStateException("node " + hostname + " is not reporting");
    int index = nextIndex.computeIfAbsent(spec.name(), n -> new AtomicInteger()).incrementAndGet();
    AgentEndpoint agent = AgentEndpoint.require(node);
    int port = ports.claim(node.ip(), config.portMin(), config.portMax());
    ServiceReplica replica = new ServiceReplica(spec.name(), index, hostname, node.ip(), port, null);
    Workload.Listener countWhileStarting = new Workload.Listener() {
      @Override
      public void started(Workload.Started s) { // counted from its container's start, routed once ready
        running.computeIfAbsent(spec.name(), n -> new CopyOnWriteArrayList<>()).add(replica.withContainer(s.containerId()));
      }
    };
    try {
      PlacementRequest room = new PlacementRequest(replica.owner(), "service " + spec.name(), spec.cpuMillicores() / 1000.0,
          spec.memoryMb() / 1024.0, 0, 1, new Thresholds(100, 100, null), PlacementPolicy.SPREAD, List.of(hostname), true);
      Workload.Running started = launcher.launch(room, placed -> new Workload("service " + spec.name() + " replica " + index,
          List.of(ServiceReplicaSpecs.unit(spec.name(), index, agent, port, ServiceReplicaSpecs.request(spec, index, hostname,
              port))), config.readyTimeout()), countWhileStarting);
      ServiceReplica ready = replica.withContainer(started.started().get(0).containerId());
      router.add(ready);
      return ready.key() + "@" + hostname;
    } catch (RuntimeException e) {
      running.getOrDefault(spec.name(), List.of()).removeIf(r -> r.index() == index);
      ports.release(node.ip(), port);
      throw e;
    }
  }

  /** Out of the router, drained of open requests, container removed, reservation released. */
  private String retire(ServiceReplica r) {
    router.remove(r);
    long deadline = System.nanoTime() + config.drainTimeout().toNanos();
    while (router.inFlight(r) > 0 && System.nanoTime() < deadline) sleep(20);
    NodeReport node = liveByHost().get(r.hostname());
    List<Workload.ContainerRef> refs = node == null || node.agentPort() == null ? List.of()
        : List.of(new Workload.ContainerRef(AgentEndpoint.require(node), r.containerId()));
    launcher.stop(refs, List.of(r.owner()));
    running.getOrDefault(r.service(), new ArrayList<>()).remove(r);
    ports.release(r.ip(), r.port());
    return r.key() + "@" + r.hostname();
  }

  private boolean dropReplicasOnLostNodes(Map<String, NodeReport> live, List<String> stopped) {
    boolean lost = false;
    for (List<ServiceReplica> rs : running.values()) {
      for (ServiceReplica r : List.copyOf(rs)) {
        if (!live.containsKey(r.hostname())) {
          router.remove(r);
          engine.release(r.owner());
          rs.remove(r);
          ports.release(r.ip(), r.port());
          stopped.add(r.key() + "@" + r.hostname() + " (node lost)");
          lost = true;
        }
      }
    }
    return lost;
  }

  /** Cores and memory each live node offers services: capacity minus what non-service owners reserved. */
  private List<NodeRoom> rooms(Map<String, NodeReport> live) {
    List<NodeRoom> out = new ArrayList<>();
    for (NodeAllocation a : engine.allocations()) {
      if (!live.containsKey(a.hostname()) || live.get(a.hostname()).agentPort() == null) continue;
      double cpu = a.cpuCapacity();
      double memory = a.memoryCapacity();
      for (Reservation r : a.reservations()) {
        if (!r.owner().startsWith(Labels.SERVICE_OWNER)) {
          cpu -= r.cpu();
          memory -= r.memoryGb();
        }
      }
      out.add(new NodeRoom(a.hostname(), (int) Math.floor(Math.max(0, cpu) * 1000), (int) Math.floor(Math.max(0, memory) * 1024)));
    }
    return out;
  }

  private Map<String, NodeReport> liveByHost() {
    Map<String, NodeReport> out = new TreeMap<>();
    for (NodeReport n : liveNodes.get()) out.put(n.hostname(), n);
    return out;
  }

  /**
   * After a restart: replicas still running on live nodes (labelled by a previous run) whose service
   * is still declared are routed again once they answer; other service containers are removed, and
   * service reservations no adopted replica holds are released. Returns the adopted replicas.
   */
  public synchronized List<String> adoptLeftovers() {
    adopted = true;
    Set<String> declared = new HashSet<>();
    repository.all().forEach(sp -> declared.add(sp.name()));
    Set<String> kept = new HashSet<>();
    List<String> out = new ArrayList<>();
    for (NodeReport node : liveNodes.get()) {
      AgentEndpoint agent = AgentEndpoint.of(node).orElse(null);
      if (agent == null) continue;
      List<ContainerView> containers;
      try {
        containers = launcher.agents().list(agent, Labels.KIND);
      } catch (AgentCallException e) {
        continue;
      }
      for (ContainerView c : containers) {
        if (!Labels.KIND_SERVICE.equals(c.label(Labels.KIND))) continue;
        ServiceReplica r = ServiceReplicaSpecs.replicaOf(c, node);
        if (r == null || !declared.contains(r.service())) {
          launcher.stop(List.of(new Workload.ContainerRef(agent, c.id())), r == null ? List.of() : List.of(r.owner()));
          continue;
        }
        ports.hold(node.ip(), r.port());
        Workload.Unit unit = ServiceReplicaSpecs.unit(r.service(), r.index(), agent, r.port(), null);
        boolean adoptedNow;
        try {
          adoptedNow = launcher.adopt(unit, c.id(), config.readyTimeout()).isPresent();
        } catch (AgentCallException unreachable) {
          adoptedNow = false; // its reservation is released below; the container is removed once the node answers
        }
        if (!adoptedNow) {
          ports.release(node.ip(), r.port());
          continue;
        }
        running.computeIfAbsent(r.service(), n -> new CopyOnWriteArrayList<>()).add(r);
        nextIndex.computeIfAbsent(r.service(), n -> new AtomicInteger()).accumulateAndGet(r.index(), Math::max);
        router.add(r);
        kept.add(r.owner());
        out.add(r.key() + "@" + node.hostname());
      }
    }
    for (Reservation r : engine.reservations()) {
      if (r.owner().startsWith(Labels.SERVICE_OWNER) && !kept.contains(r.owner())) engine.release(r.owner());
    }
    if (!out.isEmpty()) LOG.atInfo().addKeyValue("replicas", out).log("adopted service replicas after a restart");
    return out;
  }

  private boolean reservedNodesReport() {
    Map<String, NodeReport> live = liveByHost();
    return engine.reservations().stream()
        .filter(r -> r.owner().startsWith(Labels.SERVICE_OWNER)).allMatch(r -> live.containsKey(r.hostname()));
  }

  /** The service's running replicas (ready or starting), in start order. */
  public List<ServiceReplica> current(String service) {
    return List.copyOf(running.getOrDefault(service, List.of()));
  }

  /** The last pass, or null before the first. */
  public Pass lastPass() {
    return lastPass;
  }

  /** Stops a deleted service's replicas at once (the API calls this after deleting it). */
  public synchronized void stopService(String service) {
    for (ServiceReplica r : current(service)) retire(r);
    running.remove(service);
    router.drop(service);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    loop.shutdownNow();
    starters.shutdownNow();
  }

}
