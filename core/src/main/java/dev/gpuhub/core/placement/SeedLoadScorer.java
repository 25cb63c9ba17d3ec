package dev.gpuhub.core.placement;

import dev.gpuhub.core.node.NodeReport;

/** The seed's load score mapped to [0, 1]: 1 for an idle node, 0 for the worst possible score. */
public final class SeedLoadScorer implements NodeScorer {
  private final ScoringConfig config;

  public SeedLoadScorer(ScoringConfig config) {
    this.config = config;
  }

  @Override
  public double score(NodeReport node, SelectionRequest request) {
    double max = config.maxScore();
    return max == 0 ? 1 : 1 - Math.min(LoadScore.of(node, config), max) / max;
  }
}
