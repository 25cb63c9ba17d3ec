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
 * Stops servers that had no traffic through the proxy for the idle timeout (seed: 600 s), and on
 * each pass asks the {@link Reconciler} to remove orphan containers. A failing pass is logged.
 */
public final class IdleCuller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IdleCuller.class);

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
      reconciler.removeOrphans();
    } catch (RuntimeException e) {
      LOG.warn("cull pass failed; the next one will retry", e);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
