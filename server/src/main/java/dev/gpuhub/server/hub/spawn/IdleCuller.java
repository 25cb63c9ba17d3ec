package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.server.hub.proxy.RouteTable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops servers that had no traffic through the proxy for the idle timeout (seed: 600 s), and asks
 * the {@link Reconciler} every {@link #CONTAINER_CHECK} (or each cull pass, when that is more often)
 * to remove orphan containers and to end servers whose container died (a dockerd restart, a node's
 * reboot), so their users are told and their reservations freed within seconds. A failing pass is
 * logged.
 */
public final class IdleCuller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IdleCuller.class);

  /** How often containers are compared with the servers. */
  public static final Duration CONTAINER_CHECK = Duration.ofSeconds(5);

  private final Spawner spawner;
  private final RouteTable routes;
  private final Reconciler reconciler;
  private final Duration idleTimeout;
  private final Clock clock;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "idle-culler");
    t.setDaemon(true);
    return t;
  });

  public IdleCuller(Spawner spawner, RouteTable routes, Reconciler reconciler, Duration idleTimeout, Clock clock) {
    this.spawner = spawner;
    this.routes = routes;
    this.reconciler = reconciler;
    this.idleTimeout = idleTimeout;
    this.clock = clock;
  }

  public void start(Duration every) {
    scheduler.scheduleWithFixedDelay(this::passLogged, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    long check = Math.min(every.toMillis(), CONTAINER_CHECK.toMillis());
    scheduler.scheduleWithFixedDelay(this::reconcileLogged, check, check, TimeUnit.MILLISECONDS);
  }

  /** Stops every running server idle longer than the timeout; returns them ({@code alice}, {@code alice/gpu}). */
  public List<String> cullNow() {
    Instant now = clock.instant();
    List<String> culled = new ArrayList<>();
    for (var e : spawner.servers().entrySet()) {
      if (e.getValue().snapshot().state() != ServerState.RUNNING) continue;
      Instant last = routes.lastActivity(e.getKey()).orElse(e.getValue().snapshot().startedAt());
      if (Duration.between(last, now).compareTo(idleTimeout) > 0
          && spawner.stop(e.getKey(), "idle for more than " + idleTimeout.toSeconds() + " s")) {
        culled.add(e.getKey().compact());
      }
    }
    return culled;
  }

  private void passLogged() {
    try {
      List<String> culled = cullNow();
      if (!culled.isEmpty()) LOG.atInfo().addKeyValue("users", culled).log("culled idle servers");
    } catch (RuntimeException e) {
      LOG.warn("cull pass failed; the next one will retry", e);
    }
  }

  private void reconcileLogged() {
    try {
      reconciler.removeOrphans();
    } catch (RuntimeException e) {
      LOG.warn("container check failed; the next one will retry", e);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
