package dev.gpuhub.core.placement;

import java.util.List;
import java.util.Map;

/**
 * What {@link NodeSelector#select} decided.
 *
 * @param selected          the chosen distinct nodes, primary first
 * @param candidates        every eligible node, best fitness first
 * @param rejected          hostname to the reason it was not eligible, in hostname order
 * @param roundRobinCounter the round-robin counter after this selection
 */
public record SelectionOutcome(
    List<ScoredNode> selected,
    List<ScoredNode> candidates,
    Map<String, String> rejected,
    long roundRobinCounter) {}
