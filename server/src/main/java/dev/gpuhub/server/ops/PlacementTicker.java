package dev.gpuhub.server.ops;

import dev.gpuhub.core.allocation.PlacementEngine;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@link PlacementEngine#tick()} periodically: lapsed reservations are released, queued
 * requests past their wait fail, and the queue is served against the newest reports.
 */
public final class PlacementTicker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PlacementTicker.class);
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "placement-tick");
    t.setDaemon(true);
    return t;
  });

  public PlacementTicker(PlacementEngine engine, Duration every) {
    this(engine, every, () -> { });
  }

  /** @param alsoEveryTick runs after each tick (e.g. a look at the GPUs' activity); its failures are logged */
  public PlacementTicker(PlacementEngine engine, Duration every, Runnable alsoEveryTick) {
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        engine.tick();
      } catch (RuntimeException e) {
        LOG.warn("placement tick failed", e);
      }
      try {
        alsoEveryTick.run();
      } catch (RuntimeException e) {
        LOG.warn("work after the placement tick failed", e);
      }
    }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
