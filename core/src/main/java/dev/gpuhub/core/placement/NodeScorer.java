package dev.gpuhub.core.placement;

import dev.gpuhub.core.node.NodeReport;

/**
 * A soft preference among eligible nodes (Fenzo's fitness). Implementations must be pure and
 * thread-safe and return a value in [0, 1]: 1 for the most preferred node, 0 for the least.
 * Values outside that range are clamped by {@link NodeSelector}.
 */
@FunctionalInterface
public interface NodeScorer {
  double score(NodeReport node, SelectionRequest request);
}
