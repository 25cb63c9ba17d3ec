package dev.gpuhub.bench.placement;

import dev.gpuhub.core.allocation.Overcommit;
import dev.gpuhub.core.allocation.Placement;
import dev.gpuhub.core.allocation.PlacementEngine;
import dev.gpuhub.core.allocation.PlacementPolicy;
import dev.gpuhub.core.allocation.PlacementRequest;
import dev.gpuhub.core.allocation.Reservation;
import dev.gpuhub.core.allocation.ReservationJournal;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.placement.NodeSelector;
import dev.gpuhub.core.placement.ScoringConfig;
import dev.gpuhub.core.placement.Thresholds;
import dev.gpuhub.store.jdbc.JdbcClusterRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Ours: a fresh {@link PlacementEngine} per run over the same stale reports, no overcommit, 300 s
 * hold, journalling to the durable H2 journal in a temporary directory (so the cost of durability
 * is in the latencies) or, for comparison, to no journal. One decision is placed and released
 * before the burst, untimed, as a running server's database is warm. A decision counts as placed
 * only when its ticket is complete at once; a queued one counts as not placed.
 */
final class EngineVariant implements BurstVariant {
  private static final Duration HOLD = Duration.ofSeconds(300);
  private static final Duration MAX_WAIT = Duration.ofMinutes(10);

  private final PlacementPolicy policy;
  private final boolean durable;

  EngineVariant(PlacementPolicy policy, boolean durable) {
    this.policy = policy;
    this.durable = durable;
  }

  @Override
  public String name() {
    return "ours " + policy.wireName() + (durable ? "" : " (no journal)");
  }

  @Override
  public boolean ours() {
    return true;
  }

  @Override
  public BurstResult run(BurstCluster cluster, int burst, int threads) throws Exception {
    if (!durable) return run(cluster, burst, threads, ReservationJournal.none());
    Path dir = Files.createTempDirectory("gpuhub-bench-placement");
    try (JdbcClusterRepository repo = JdbcClusterRepository.openH2(dir)) {
      return run(cluster, burst, threads, repo.reservations());
    } finally {
      deleteTree(dir);
    }
  }

  private BurstResult run(BurstCluster cluster, int burst, int threads, ReservationJournal journal) throws Exception {
    List<NodeReport> stale = cluster.reports();
    PlacementEngine engine = new PlacementEngine(() -> stale, NodeSelector.seed(ScoringConfig.SEED, new Random(1)),
        ScoringConfig.SEED, Overcommit.NONE, journal, Clock.systemUTC(), HOLD);
    if (!placed(engine.submit(request("prime"), MAX_WAIT).result())) {
      throw new IllegalStateException("the priming decision found no room");
    }
    engine.release("prime");
    Burst.Timings t = Burst.run(burst, threads, i -> placed(engine.submit(request("bench:" + i), MAX_WAIT).result()));
    Map<String, Integer> placed = BurstVariant.zeroCounts(cluster);
    for (Reservation r : engine.reservations()) placed.merge(r.hostname(), 1, Integer::sum);
    return new BurstResult(name(), true, burst, cluster.size(), t.nanos(), t.failures(), placed,
        cluster.maxContainers());
  }

  private PlacementRequest request(String owner) {
    return new PlacementRequest(owner, "notebook", CPU, MEMORY_GB, 0, 1, Thresholds.DEFAULT, policy, List.of());
  }

  /** Placed at once: complete, and not exceptionally (a queued ticket is not complete). */
  private static boolean placed(CompletableFuture<Placement> result) {
    return result.isDone() && !result.isCompletedExceptionally();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
