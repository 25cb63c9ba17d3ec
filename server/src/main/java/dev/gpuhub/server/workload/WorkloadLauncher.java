package dev.gpuhub.server.workload;

import dev.gpuhub.core.allocation.Placement;
import dev.gpuhub.core.allocation.PlacementEngine;
import dev.gpuhub.core.allocation.PlacementRequest;
import dev.gpuhub.wire.node.ContainerView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way anything gpuhub runs gets onto a node. {@link #launch} takes a {@link Workload}
 * whose reservations the caller holds and, unit by unit, removes a leftover of the same name,
 * starts the container through its node's agent, binds every reservation to its containers and
 * waits until each unit is ready. Any failure rolls everything back: every container of the
 * workload is removed and every reservation released, and a {@link LaunchException} says why.
 * {@link #stop} and {@link #adopt} are the other two ends of a workload's life.
 */
public final class WorkloadLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(WorkloadLauncher.class);
  /** Readiness probes between two checks that the container still runs. */
  private static final int PROBES_PER_LIVENESS_CHECK = 4;
  /** Pause after the first unanswered probe; it doubles up to the configured pause. */
  private static final long FIRST_PROBE_PAUSE_MS = 50;

  private final PlacementEngine engine;
  private final AgentClient agents;
  private final ReadinessProbe probe;
  private final Duration probeEvery;
  private final Duration stillRunningGrace;

  /**
   * @param probeEvery        pause between readiness probes
   * @param stillRunningGrace how long a {@link Readiness.Kind#STILL_RUNNING} unit must survive its start
   */
  public WorkloadLauncher(PlacementEngine engine, AgentClient agents, ReadinessProbe probe, Duration probeEvery,
                          Duration stillRunningGrace) {
    this.engine = engine;
    this.agents = agents;
    this.probe = probe;
    this.probeEvery = probeEvery;
    this.stillRunningGrace = stillRunningGrace;
  }

  /** The launcher of a running hub: HTTP probes every 500 ms, workers must survive 1 s. */
  public static WorkloadLauncher of(PlacementEngine engine, AgentClient agents) {
    return of(engine, agents, WorkloadTls.off());
  }

  /** As {@link #of(PlacementEngine, AgentClient)}, probing HTTPS workloads with {@code tls}'s trust. */
  public static WorkloadLauncher of(PlacementEngine engine, AgentClient agents, WorkloadTls tls) {
    return new WorkloadLauncher(engine, agents, new HttpReadinessProbe(tls), Duration.ofMillis(500), Duration.ofSeconds(1));
  }

  public PlacementEngine engine() {
    return engine;
  }

  public AgentClient agents() {
    return agents;
  }

  /**
   * Starts the workload, all or nothing; see the class comment.
   *
   * @throws LaunchException when any step fails; nothing of the workload is left on any node and
   *     none of its reservations is held then
   */
  public Workload.Running launch(Workload workload, Workload.Listener listener) {
    List<Workload.Started> started = new ArrayList<>(workload.units().size());
    try {
      for (Workload.Unit u : workload.units()) {
        listener.starting(u);
        agents.remove(u.node(), u.container().name()); // a leftover of a crashed hub would clash by name
        Workload.Started s = new Workload.Started(u, agents.start(u.node(), u.container()));
        started.add(s);
        listener.started(s);
      }
      bindAll(workload, started);
      listener.allStarted(List.copyOf(started));
      for (Workload.Started s : started) awaitReady(s, workload.readyTimeout());
      return new Workload.Running(workload, List.copyOf(started));
    } catch (RuntimeException | Error e) {
      rollBack(workload, started);
      if (e instanceof LaunchException le) throw le;
      if (e instanceof Error err) throw err;
      throw new LaunchException(workload.what() + " could not start: " + e);
    }
  }

  /**
   * Reserves room for {@code request} now (no queueing), lays the workload out on the placement
   * and launches it; all or nothing, as {@link #launch(Workload, Workload.Listener)}.
   *
   * @throws dev.gpuhub.core.placement.NotEnoughNodesException when there is no room now
   * @throws LaunchException when the launch fails; nothing is reserved or left then
   */
  public Workload.Running launch(PlacementRequest request, Function<Placement, Workload> layOut,
                                 Workload.Listener listener) {
    Placement placed = engine.placeNow(request);
    Workload workload;
    try {
      workload = layOut.apply(placed);
    } catch (RuntimeException e) {
      releaseQuietly(request.owner());
      throw e;
    }
    return launch(workload, listener);
  }

  /**
   * Removes the containers (failures are logged and the rest still go: a node that cannot be
   * reached has its leftovers removed as orphans when it answers again) and releases the owners'
   * reservations.
   */
  public void stop(List<Workload.ContainerRef> containers, Collection<String> owners) {
    for (Workload.ContainerRef c : containers) removeQuietly(c);
    for (String owner : owners) releaseQuietly(owner);
  }

  /**
   * Takes over a container a previous run of the hub started: it must still run and, within
   * {@code readyTimeout}, be ready, and its owner must still hold a reservation on its node (read
   * back from the journal), which is then bound to it (other nodes' bindings are kept). Otherwise
   * the container is removed and the owner's reservations released.
   *
   * @return the adopted container, or empty when it could not be adopted
   * @throws AgentCallException when the node's agent cannot be asked now; nothing was changed then
   */
  public Optional<Workload.Started> adopt(Workload.Unit unit, String containerId, Duration readyTimeout) {
    Workload.Started s = new Workload.Started(unit, containerId);
    Optional<ContainerView> c = agents.inspect(unit.node(), containerId);
    try {
      if (c.isEmpty()) throw new LaunchException(unit.what() + " is gone");
      if (!c.get().running()) throw new LaunchException(unit.what() + " is " + c.get().state());
      awaitReady(s, readyTimeout);
      Map<String, String> bound = new LinkedHashMap<>();
      for (var r : engine.reservationsOf(unit.owner())) {
        if (r.containerId() != null) bound.put(r.hostname(), r.containerId());
      }
      if (!bound.containsKey(unit.node().hostname()) && engine.reservationsOf(unit.owner()).stream()
          .noneMatch(r -> r.hostname().equals(unit.node().hostname()))) {
        throw new LaunchException(unit.what() + " has no reservation on " + unit.node().hostname() + " any more");
      }
      bound.put(unit.node().hostname(), containerId);
      engine.bind(unit.owner(), bound);
      return Optional.of(s);
    } catch (LaunchException e) {
      LOG.atInfo().addKeyValue("owner", unit.owner()).log("not adopted: {}", e.getMessage());
      stop(List.of(s.ref()), List.of(unit.owner()));
      return Optional.empty();
    }
  }

  private void bindAll(Workload workload, List<Workload.Started> started) {
    Map<String, Map<String, String>> byOwner = new LinkedHashMap<>();
    for (Workload.Started s : started) {
      byOwner.computeIfAbsent(s.unit().owner(), o -> new LinkedHashMap<>()).put(s.unit().node().hostname(), s.containerId());
    }
    byOwner.forEach((owner, containers) -> {
      var bound = StoreRetry.within(StoreRetry.PATIENCE, () -> engine.bind(owner, containers), e -> LOG.atWarn()
          .addKeyValue("owner", owner).log("binding the reservation waits for the database: {}", e.getMessage()));
      if (bound.isEmpty()) {
        throw new LaunchException("the reservation of " + workload.what() + " lapsed before its containers started"
            + " (hold timeout)");
      }
    });
  }

  private void awaitReady(Workload.Started s, Duration timeout) {
    Readiness r = s.unit().readiness();
    switch (r.kind()) {
      case NONE -> { }
      case STILL_RUNNING -> {
        sleep(stillRunningGrace);
        requireRunning(s, "stopped right after its start");
      }
      case HTTP, JUPYTER -> {
        long deadline = System.nanoTime() + timeout.toNanos();
        String died = "stopped before " + (r.kind() == Readiness.Kind.JUPYTER ? "Jupyter" : "it") + " answered";
        int probes = 0;
        while (System.nanoTime() < deadline) {
          try {
            if (probe.answers(r)) {
              // something answers on the port: it counts only if the workload's own container still runs
              requireRunning(s, died);
              return;
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted while waiting for " + s.unit().what());
          }
          if (++probes % PROBES_PER_LIVENESS_CHECK == 0) requireRunning(s, died);
          // quick probes first (most workloads answer within a moment), then every probeEvery
          sleep(Duration.ofMillis(Math.min(probeEvery.toMillis(), FIRST_PROBE_PAUSE_MS << Math.min(probes - 1, 8))));
        }
        throw new LaunchException(s.unit().what() + " did not answer within " + timeout.toSeconds() + " s (start timeout)");
      }
    }
  }

  private void requireRunning(Workload.Started s, String failure) {
    Optional<ContainerView> c = agents.inspect(s.unit().node(), s.containerId());
    if (c.isEmpty() || !c.get().running()) {
      throw new LaunchException(s.unit().what() + " " + failure + " (exit code "
          + c.map(ContainerView::exitCode).orElse(null) + "): "
          + lastLines(agents.logs(s.unit().node(), s.containerId(), 20)));
    }
  }

  private void rollBack(Workload workload, List<Workload.Started> started) {
    List<Workload.ContainerRef> refs = new ArrayList<>();
    for (int i = 0; i < workload.units().size(); i++) {
      Workload.Unit u = workload.units().get(i);
      refs.add(i < started.size() ? started.get(i).ref() : new Workload.ContainerRef(u.node(), u.container().name()));
    }
    stop(refs, workload.owners());
  }

  private void removeQuietly(Workload.ContainerRef c) {
    try {
      agents.remove(c.node(), c.idOrName());
    } catch (RuntimeException e) {
      LOG.atWarn().addKeyValue("node", c.node().hostname()).log("could not remove {}: {}", c.idOrName(), e.getMessage());
    }
  }

  private void releaseQuietly(String owner) {
    try {
      engine.release(owner);
    } catch (RuntimeException e) {
      LOG.atWarn().addKeyValue("owner", owner).log("could not release the reservation: {}", e.getMessage());
    }
  }

  /** The last five lines of {@code logs}, joined by " | ". */
  static String lastLines(String logs) {
    String[] lines = logs.strip().split("\n");
    return String.join(" | ", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 5), lines.length));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LaunchException("interrupted");
    }
  }
}
