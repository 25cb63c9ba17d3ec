package dev.gpuhub.server.ops;

import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.store.ClusterRepository;
import dev.gpuhub.store.NodeLiveState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's periodic cleanup (every 300 s by default): nodes marked active in the durable store
 * whose live state expired become inactive (they stay listed in {@code /all-nodes}), and metric
 * rows older than the retention are deleted. A failing pass is logged and the next one runs.
 */
public final class InactiveNodeSweeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InactiveNodeSweeper.class);

  /** What one pass did. */
  public record SweepResult(List<String> markedInactive, int metricRowsPruned) {}

  private final ClusterRepository repository;
  private final NodeLiveState live;
  private final Duration retention;
  private final Clock clock;
  private final Consumer<List<String>> onInactive;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "inactive-node-sweeper");
    t.setDaemon(true);
    return t;
  });

  /** {@code onInactive} hears the hostnames each pass marked inactive. */
  public InactiveNodeSweeper(ClusterRepository repository, NodeLiveState live, Duration retention, Clock clock,
                             Consumer<List<String>> onInactive) {
    this.onInactive = onInactive;
    this.repository = repository;
    this.live = live;
    this.retention = retention;
    this.clock = clock;
  }

  /** Runs a pass every {@code interval}, the first one after one interval. */
  public void start(Duration interval) {
    long ms = interval.toMillis();
    scheduler.scheduleWithFixedDelay(this::sweepLogged, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** One pass, now. */
  public SweepResult sweep() {
    Set<String> alive = new HashSet<>();
    for (NodeReport r : live.all()) alive.add(r.hostname());
    List<String> expired = new ArrayList<>();
    for (String h : repository.activeHostnames()) {
      if (!alive.contains(h)) expired.add(h);
    }
    if (!expired.isEmpty()) {
      repository.markInactive(expired);
      onInactive.accept(expired);
    }
    int pruned = repository.pruneMetricsBefore(clock.instant().minus(retention));
    return new SweepResult(expired, pruned);
  }

  private void sweepLogged() {
    try {
      SweepResult r = sweep();
      if (!r.markedInactive().isEmpty() || r.metricRowsPruned() > 0) {
        LOG.atInfo().addKeyValue("inactive", r.markedInactive()).addKeyValue("metric_rows_pruned", r.metricRowsPruned())
            .log("sweep marked expired nodes inactive");
      }
    } catch (RuntimeException e) {
      LOG.atWarn().setCause(e).log("sweep failed; the next pass will retry");
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
