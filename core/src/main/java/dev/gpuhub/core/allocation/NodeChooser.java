package dev.gpuhub.core.allocation;

import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.placement.Filters;
import dev.gpuhub.core.placement.LoadScore;
import dev.gpuhub.core.placement.NodeSelector;
import dev.gpuhub.core.placement.ScoredNode;
import dev.gpuhub.core.placement.ScoringConfig;
import dev.gpuhub.core.placement.SelectionOutcome;
import dev.gpuhub.core.placement.SelectionRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides which nodes have room for a request and which of them to take (pure; the engine holds
 * the lock). A node has room when the seed filters pass on its report with not-yet-visible
 * containers added, and its unreserved cores, memory and GPU devices cover the request.
 */
final class NodeChooser {

  /** Nodes chosen (primary first) or, when too few have room, the reasons. */
  record Choice(List<NodeAllocation> chosen, Map<String, String> rejected, long roundRobinCounter, String shortfall) {
    boolean placed() {
      return chosen != null;
    }
  }

  private final NodeSelector selector;
  private final ScoringConfig scoring;

  NodeChooser(NodeSelector selector, ScoringConfig scoring) {
    this.selector = selector;
    this.scoring = scoring;
  }

  /** Why each node without room has none (nodes with room are absent); decides nothing. */
  Map<String, String> rejected(PlacementRequest request, List<NodeAllocation> nodes) {
    Map<String, String> rejected = new TreeMap<>();
    filter(request, nodes, rejected);
    return rejected;
  }

  private List<NodeAllocation> filter(PlacementRequest request, List<NodeAllocation> nodes, Map<String, String> rejected) {
    SelectionRequest asSeed = request.asSelection();
    List<NodeAllocation> eligible = new ArrayList<>();
    for (NodeAllocation a : nodes) {
      Optional<String> why = selector.rejection(a.effectiveReport(), asSeed).or(() -> noRoom(a, request));
      if (why.isPresent()) rejected.put(a.hostname(), why.get());
      else eligible.add(a);
    }
    if (request.gpusPerNode() == 0 && !request.preferredOnly()) { // CPU-only work keeps off free GPUs while CPU-only nodes have room
      List<NodeAllocation> withoutFreeGpu = eligible.stream().filter(a -> a.freeGpus().isEmpty()).toList();
      if (withoutFreeGpu.size() >= request.count() && withoutFreeGpu.size() < eligible.size()) {
        for (NodeAllocation a : eligible) {
          if (!a.freeGpus().isEmpty()) rejected.put(a.hostname(), "kept free for GPU work while CPU-only nodes have room");
        }
        eligible = withoutFreeGpu;
      }
    }
    return preferImage(request, eligible, rejected);
  }

  /**
   * Nodes that report having the request's image, when enough of them have room (a start there needs
   * no image on the node); otherwise every eligible node.
   */
  private static List<NodeAllocation> preferImage(PlacementRequest request, List<NodeAllocation> eligible,
                                                  Map<String, String> rejected) {
    if (request.image() == null || request.preferredOnly()) return eligible;
    List<NodeAllocation> having = eligible.stream().filter(a -> a.report().hasImage(request.image())).toList();
    if (having.size() < request.count() || having.size() == eligible.size()) return eligible;
    for (NodeAllocation a : eligible) {
      if (!having.contains(a)) rejected.put(a.hostname(), "does not have image " + request.image() + " while other nodes with room do");
    }
    return having;
  }

  Choice choose(PlacementRequest request, List<NodeAllocation> nodes) {
    SelectionRequest asSeed = request.asSelection();
    Map<String, String> rejected = new TreeMap<>();
    List<NodeAllocation> eligible = filter(request, nodes, rejected);
    if (eligible.size() < request.count()) {
      return new Choice(null, rejected, selector.roundRobinCounter(), shortfall(request, eligible.size(), nodes.size(), rejected, false));
    }
    List<NodeAllocation> preferred = preferred(request, eligible);
    if (preferred != null) return new Choice(preferred, rejected, selector.roundRobinCounter(), null);
    if (request.preferredOnly()) {
      Map<String, String> theirs = new TreeMap<>();
      for (String h : request.preferredNodes()) theirs.put(h, rejected.getOrDefault(h, "not reporting"));
      return new Choice(null, rejected, selector.roundRobinCounter(), (request.profileName() == null ? "request" : request.profileName())
          + " must go on " + String.join(", ", request.preferredNodes()) + ", which have no room: "
          + theirs.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(java.util.stream.Collectors.joining("; ")));
    }
    if (request.policy().seedAlgorithm() != null) {
      Map<String, NodeAllocation> byHost = new HashMap<>();
      List<NodeReport> reports = new ArrayList<>(eligible.size());
      for (NodeAllocation a : eligible) {
        byHost.put(a.hostname(), a);
        reports.add(a.effectiveReport());
      }
      SelectionOutcome outcome = selector.select(reports, asSeed);
      List<NodeAllocation> chosen = outcome.selected().stream().map(s -> byHost.get(s.hostname())).toList();
      return new Choice(chosen, rejected, outcome.roundRobinCounter(), null);
    }
    List<NodeAllocation> sorted = new ArrayList<>(eligible);
    sorted.sort(order(request));
    return new Choice(List.copyOf(sorted.subList(0, request.count())), rejected, selector.roundRobinCounter(), null);
  }

  /** Spread: most free share after placing first; pack: least; ties by load score, then hostname. */
  private Comparator<NodeAllocation> order(PlacementRequest request) {
    return Comparator.comparingDouble((NodeAllocation a) -> -score(a, request))
        .thenComparingDouble(a -> LoadScore.of(a.report(), scoring))
        .thenComparing(NodeAllocation::hostname);
  }

  /** The allocation policies' score, higher is better: free share after placing (spread) or used share (pack). */
  private static double score(NodeAllocation a, PlacementRequest request) {
    double free = a.freeShareAfter(request);
    return request.policy() == PlacementPolicy.SPREAD ? free : 1 - free;
  }

  /**
   * What {@link #choose} would decide now, by the same filters, preferences and order, advancing no
   * algorithm state; {@code queuedAhead} earlier requests of the class make it wait.
   */
  PlacementPreview preview(PlacementRequest request, List<NodeAllocation> nodes, int queuedAhead) {
    Map<String, String> rejected = new TreeMap<>();
    List<NodeAllocation> eligible = filter(request, nodes, rejected);
    Map<String, Double> scores = new HashMap<>();
    List<String> ranked;
    List<String> chosen = List.of();
    boolean exact = true;
    if (request.policy().seedAlgorithm() != null) {
      List<NodeReport> reports = eligible.stream().map(NodeAllocation::effectiveReport).toList();
      SelectionRequest asSeed = request.asSelection();
      List<ScoredNode> rank = selector.rank(reports, asSeed);
      rank.forEach(sn -> scores.put(sn.hostname(), sn.fitness()));
      ranked = rank.stream().map(ScoredNode::hostname).toList();
      if (eligible.size() >= request.count()) {
        Optional<List<ScoredNode>> next = selector.peek(reports, asSeed);
        exact = next.isPresent();
        chosen = next.map(l -> l.stream().map(ScoredNode::hostname).toList())
            .orElse(ranked.subList(0, request.count()));
      }
    } else {
      List<NodeAllocation> sorted = new ArrayList<>(eligible);
      sorted.sort(order(request));
      sorted.forEach(a -> scores.put(a.hostname(), score(a, request)));
      ranked = sorted.stream().map(NodeAllocation::hostname).toList();
      if (eligible.size() >= request.count()) chosen = ranked.subList(0, request.count());
    }
    String wait = null;
    List<NodeAllocation> preferred = eligible.size() < request.count() ? null : preferred(request, eligible);
    if (preferred != null) {
      chosen = preferred.stream().map(NodeAllocation::hostname).toList();
      exact = true;
    } else if (request.preferredOnly() || eligible.size() < request.count()) {
      Choice refused = choose(request, nodes);
      wait = refused.placed() ? null : refused.shortfall();
      chosen = List.of();
    }
    if (queuedAhead > 0 && wait == null) {
      wait = queuedAhead + " earlier " + request.queueClass() + " request(s) wait ahead";
      chosen = List.of();
    }
    List<PlacementPreview.Candidate> candidates = new ArrayList<>(nodes.size());
    List<String> order = new ArrayList<>(chosen);
    for (String h : ranked) if (!order.contains(h)) order.add(h);
    for (String h : order) candidates.add(new PlacementPreview.Candidate(h, true, scores.get(h), null));
    rejected.forEach((h, why) -> candidates.add(new PlacementPreview.Candidate(h, false, null, why)));
    return new PlacementPreview(chosen, candidates, wait, exact);
  }

  /**
   * Why the request could never be placed even on an empty cluster of these nodes, or empty when
   * it could (then it is worth queueing).
   */
  Optional<String> neverFits(PlacementRequest request, List<NodeReport> nodes) {
    SelectionRequest asSeed = request.asSelection();
    Map<String, String> rejected = new TreeMap<>();
    int could = 0;
    for (NodeReport n : nodes) {
      Optional<String> why = Filters.ACTIVE.reject(n, asSeed)
          .or(() -> Filters.GPU.reject(n, asSeed))
          .or(() -> Filters.RESOURCE_FIT.reject(n, asSeed))
          .or(() -> matchingGpus(n, request) < request.gpusPerNode()
              ? Optional.of("has " + matchingGpus(n, request) + " " + request.gpuConstraint().describe() + "; "
                  + request.gpusPerNode() + " are needed") : Optional.empty())
          .or(() -> slotLimit(n, request) < 1 ? Optional.of("takes no containers") : Optional.empty());
      if (why.isPresent()) rejected.put(n.hostname(), why.get());
      else could++;
    }
    if (could >= request.count()) return Optional.empty();
    return Optional.of(shortfall(request, could, nodes.size(), rejected, true));
  }

  /** How many of the node's GPUs the request's constraint accepts, free or not. */
  private static int matchingGpus(NodeReport n, PlacementRequest request) {
    return request.gpuConstraint().isAny() ? n.gpuCount()
        : (int) n.gpuInfo().stream().filter(request.gpuConstraint()::matches).count();
  }

  private static int slotLimit(NodeReport n, PlacementRequest request) {
    Integer strict = request.thresholds().maxContainers();
    return strict != null && strict < n.maxContainers() ? strict : n.maxContainers();
  }

  private static Optional<String> noRoom(NodeAllocation a, PlacementRequest r) {
    double cpuFree = a.cpuCapacity() - a.cpuReserved();
    if (r.cpu() > cpuFree + 1e-9) {
      return Optional.of(num(Math.max(0, cpuFree)) + " of " + num(a.cpuCapacity()) + " cores unreserved; "
          + num(r.cpu()) + " needed");
    }
    double memoryFree = a.memoryCapacity() - a.memoryReserved();
    if (r.memoryGb() > memoryFree + 1e-9) {
      return Optional.of(num(Math.max(0, memoryFree)) + " of " + num(a.memoryCapacity()) + " GB memory unreserved; "
          + num(r.memoryGb()) + " needed");
    }
    if (r.gpusPerNode() > 0) {
      List<String> free = a.freeGpus(r.gpuConstraint());
      if (free.size() < r.gpusPerNode()) {
        List<String> holders = a.gpuHolders().values().stream().filter(h -> h != null).distinct().toList();
        return Optional.of(free.size() + " of " + matchingGpus(a.report(), r) + " " + r.gpuConstraint().describe()
            + " free; " + r.gpusPerNode()
            + " needed" + (holders.isEmpty() ? "" : " (held by " + String.join(", ", holders) + ")"));
      }
    }
    return Optional.empty();
  }

  private static List<NodeAllocation> preferred(PlacementRequest request, List<NodeAllocation> eligible) {
    List<String> wanted = request.preferredNodes();
    if (wanted.size() != request.count() || wanted.stream().distinct().count() != wanted.size()) return null;
    Map<String, NodeAllocation> byHost = new HashMap<>();
    for (NodeAllocation a : eligible) byHost.put(a.hostname(), a);
    List<NodeAllocation> out = new ArrayList<>();
    for (String h : wanted) {
      NodeAllocation a = byHost.get(h);
      if (a == null) return null;
      out.add(a);
    }
    return out;
  }

  /** "profile x needs 2 nodes with room for ...; 1 has room (a: reason; ...)"; {@code ever}: even when idle. */
  static String shortfall(PlacementRequest request, int eligible, int total, Map<String, String> rejected, boolean ever) {
    String subject = request.profileName() == null ? "request" : "profile " + request.profileName();
    String kind = request.gpusPerNode() > 0 ? "GPU node" : "node";
    StringBuilder sb = new StringBuilder().append(subject).append(" needs ").append(request.count()).append(' ')
        .append(kind).append(request.count() == 1 ? "" : "s").append(" with room for ").append(num(request.cpu()))
        .append(" cores, ").append(num(request.memoryGb())).append(" GB")
        .append(request.gpusPerNode() > 0 ? " and " + request.gpusPerNode() + " GPU" : "")
        .append("; ").append(eligible)
        .append(ever ? " could hold it even when idle" : eligible == 1 ? " has room" : " have room");
    return sb.append(dev.gpuhub.core.placement.Rejections.suffix(total, rejected)).toString();
  }

  static String num(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  /** Seed view of the chosen nodes (load score, fitness 1), for callers that speak the seed's API. */
  List<ScoredNode> scored(List<NodeAllocation> chosen) {
    return chosen.stream().map(a -> new ScoredNode(a.report(), LoadScore.of(a.report(), scoring), 1.0)).toList();
  }
}
