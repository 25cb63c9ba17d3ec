package dev.gpuhub.core.placement;

import dev.gpuhub.core.node.NodeReport;

/**
 * A node with its seed load score (lower is better) and its combined soft fitness in [0, 1]
 * (higher is better).
 */
public record ScoredNode(NodeReport node, double loadScore, double fitness) {
  public String hostname() {
    return node.hostname();
  }
}
