package dev.gpuhub.bench.placement;

import dev.gpuhub.core.placement.NodeSelector;
import dev.gpuhub.core.placement.NotEnoughNodesException;
import dev.gpuhub.core.placement.ScoringConfig;
import dev.gpuhub.core.placement.SelectionAlgorithm;
import dev.gpuhub.core.placement.SelectionRequest;
import dev.gpuhub.core.placement.Thresholds;
import java.util.Map;
import java.util.Random;

/**
 * What the seed did: one selector (filters, load score, the algorithm) over the reports it has,
 * and no reservations, so it never sees what it placed until the next reports come.
 */
final class SeedVariant implements BurstVariant {
  private final SelectionAlgorithm algorithm;

  SeedVariant(SelectionAlgorithm algorithm) {
    this.algorithm = algorithm;
  }

  @Override
  public String name() {
    return "seed " + algorithm.wireName();
  }

  @Override
  public boolean ours() {
    return false;
  }

  @Override
  public BurstResult run(BurstCluster cluster, int burst, int threads) throws Exception {
    NodeSelector selector = NodeSelector.seed(ScoringConfig.SEED, new Random(1));
    SelectionRequest request = new SelectionRequest("notebook", false, CPU, MEMORY_GB, 1, Thresholds.DEFAULT, algorithm);
    String[] chosen = new String[burst];
    Burst.Timings t = Burst.run(burst, threads, i -> {
      try {
        chosen[i] = selector.select(cluster.reports(), request).selected().get(0).hostname();
        return true;
      } catch (NotEnoughNodesException e) {
        return false;
      }
    });
    Map<String, Integer> placed = BurstVariant.zeroCounts(cluster);
    for (String host : chosen) {
      if (host != null) placed.merge(host, 1, Integer::sum);
    }
    return new BurstResult(name(), false, burst, cluster.size(), t.nanos(), t.failures(), placed,
        cluster.maxContainers());
  }
}
