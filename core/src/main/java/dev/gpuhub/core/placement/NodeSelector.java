package dev.gpuhub.core.placement;

import dev.gpuhub.core.node.NodeReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * Chooses distinct nodes for a request: hard {@link NodeFilter}s remove ineligible nodes (each with
 * a reason), weighted soft {@link NodeScorer}s rank the rest, and a {@link SelectionAlgorithm}
 * picks among them. Pure logic over a snapshot of live reports; thread-safe.
 */
public final class NodeSelector {

  /** A scorer and its weight in the combined fitness. */
  public record WeightedScorer(NodeScorer scorer, double weight) {}

  private final List<NodeFilter> filters;
  private final List<WeightedScorer> scorers;
  private final ScoringConfig scoring;
  private final SelectionStrategies strategies;

  public NodeSelector(List<NodeFilter> filters, List<WeightedScorer> scorers, ScoringConfig scoring, Random random) {
    this.filters = List.copyOf(filters);
    this.scorers = List.copyOf(scorers);
    this.scoring = scoring;
    this.strategies = new SelectionStrategies(random);
  }

  /** The seed's behaviour: seed filters, ranking by seed load score alone. */
  public static NodeSelector seed(ScoringConfig scoring, Random random) {
    return new NodeSelector(Filters.seedDefaults(),
        List.of(new WeightedScorer(new SeedLoadScorer(scoring), 1.0)), scoring, random);
  }

  /** Every node with its load score and fitness, best first (ties broken by hostname). */
  public List<ScoredNode> rank(List<NodeReport> nodes, SelectionRequest request) {
    List<ScoredNode> out = new ArrayList<>(nodes.size());
    for (NodeReport n : nodes) out.add(new ScoredNode(n, LoadScore.of(n, scoring), fitness(n, request)));
    out.sort(Comparator.comparingDouble(ScoredNode::fitness).reversed()
        .thenComparingDouble(ScoredNode::loadScore)
        .thenComparing(ScoredNode::hostname));
    return out;
  }

  /** The first reason a filter gives for rejecting this node, if any. */
  public Optional<String> rejection(NodeReport node, SelectionRequest request) {
    for (NodeFilter f : filters) {
      Optional<String> reason = f.reject(node, request);
      if (reason.isPresent()) return reason;
    }
    return Optional.empty();
  }

  /**
   * Chooses {@code request.count()} distinct nodes among {@code live}.
   *
   * @throws NotEnoughNodesException when fewer nodes are eligible, naming the shortfall and the
   *     reason for every rejected node
   */
  public SelectionOutcome select(List<NodeReport> live, SelectionRequest request) {
    Map<String, String> rejected = new TreeMap<>();
    List<NodeReport> eligible = new ArrayList<>(live.size());
    for (NodeReport n : live) {
      Optional<String> reason = rejection(n, request);
      if (reason.isPresent()) rejected.put(n.hostname(), reason.get());
      else eligible.add(n);
    }
    if (eligible.size() < request.count()) {
      throw new NotEnoughNodesException(shortfallMessage(request, eligible.size(), live.size(), rejected), rejected);
    }
    List<ScoredNode> ranked = rank(eligible, request);
    List<ScoredNode> chosen = strategies.choose(request.algorithm(), ranked, request.count());
    return new SelectionOutcome(chosen, ranked, rejected, strategies.roundRobinCounter());
  }

  /**
   * The nodes {@link #select} would choose among {@code eligible} now, without advancing the
   * algorithm's state; empty when the algorithm's next choice cannot be told in advance.
   */
  public Optional<List<ScoredNode>> peek(List<NodeReport> eligible, SelectionRequest request) {
    if (eligible.size() < request.count()) return Optional.empty();
    return strategies.peek(request.algorithm(), rank(eligible, request), request.count());
  }

  /** The round-robin counter's current value. */
  public long roundRobinCounter() {
    return strategies.roundRobinCounter();
  }

  private double fitness(NodeReport node, SelectionRequest request) {
    double sum = 0;
    double weights = 0;
    for (WeightedScorer ws : scorers) {
      double s = Math.max(0, Math.min(1, ws.scorer().score(node, request)));
      sum += s * ws.weight();
      weights += ws.weight();
    }
    return weights == 0 ? 0 : sum / weights;
  }

  static String shortfallMessage(SelectionRequest request, int eligible, int active, Map<String, String> rejected) {
    String subject = request.profileName() == null ? "request" : "profile " + request.profileName();
    String kind = request.gpuRequired() ? "GPU node" : "node";
    StringBuilder sb = new StringBuilder()
        .append(subject).append(" needs ").append(request.count()).append(' ')
        .append(kind).append(request.count() == 1 ? "" : "s").append("; ")
        .append(eligible).append(eligible == 1 ? " is" : " are").append(" available");
    return sb.append(Rejections.suffix(active, rejected)).toString();
  }
}
