package dev.gpuhub.server.discovery;

import dev.gpuhub.core.activity.GpuActivityTracker;
import dev.gpuhub.core.allocation.Placement;
import dev.gpuhub.core.allocation.PlacementEngine;
import dev.gpuhub.core.allocation.PlacementPolicy;
import dev.gpuhub.core.allocation.PlacementRequest;
import dev.gpuhub.core.allocation.ReservationJournal;
import dev.gpuhub.core.node.Heartbeat;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.placement.LoadScore;
import dev.gpuhub.core.placement.NodeSelection;
import dev.gpuhub.core.placement.NodeSelector;
import dev.gpuhub.core.placement.NotEnoughNodesException;
import dev.gpuhub.core.placement.ScoredNode;
import dev.gpuhub.core.placement.ScoringConfig;
import dev.gpuhub.core.placement.SelectionAlgorithm;
import dev.gpuhub.core.placement.SelectionOutcome;
import dev.gpuhub.core.placement.SelectionRequest;
import dev.gpuhub.core.placement.Thresholds;
import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.server.ops.ServerMetrics;
import dev.gpuhub.store.BatchingHeartbeatWriter;
import dev.gpuhub.store.ClusterRepository;
import dev.gpuhub.store.NodeLiveState;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The discovery service's logic (SPEC §3), free of HTTP: heartbeat ingest, node views, selection.
 * Thread-safe. A heartbeat updates live state at once and reaches the durable store through the
 * batching writer; a selection is recorded before it is returned.
 */
public final class DiscoveryService {

  /** What {@code /available-nodes} shows: every live node and one selection among them. */
  public record Availability(List<NodeReport> live, SelectionAlgorithm algorithm, int requested,
                             SelectionOutcome outcome, String selectionError, long roundRobinCounter) {}

  /**
   * A recorded selection and the reservations it holds.
   *
   * @param selected the chosen nodes with their load scores, primary first
   */
  public record Selection(NodeSelection record, List<ScoredNode> selected, Placement placement, Profile profile,
                          PlacementPolicy policy) {}

  private final ClusterRepository repository;
  private final NodeLiveState live;
  private final LiveNodesView liveView;
  private final java.util.Set<String> excluded = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final BatchingHeartbeatWriter writer;
  private final NodeSelector selector;
  private final ScoringConfig scoring;
  private final SelectionAlgorithm defaultAlgorithm;
  private final boolean strictDefault;
  private final ServerMetrics metrics;
  private final Clock clock;
  private final DurableSampler sampler;
  private final PlacementEngine placement;
  private final PlacementConfig placementConfig;
  private final GpuActivityTracker gpuActivity = new GpuActivityTracker(GpuActivityTracker.DEFAULT_BUSY_PERCENT);

  public DiscoveryService(ClusterRepository repository, NodeLiveState live, long liveCacheMillis,
                          long metricsResolutionMillis, BatchingHeartbeatWriter writer, NodeSelector selector, ScoringConfig scoring,
                          SelectionAlgorithm defaultAlgorithm, boolean strictDefault,
                          ServerMetrics metrics, Clock clock, PlacementConfig placementConfig,
                          ReservationJournal journal) {
    this.repository = repository;
    this.live = live;
    this.liveView = new LiveNodesView(live, liveCacheMillis);
    this.writer = writer;
    this.selector = selector;
    this.scoring = scoring;
    this.defaultAlgorithm = defaultAlgorithm;
    this.strictDefault = strictDefault;
    this.metrics = metrics;
    this.clock = clock;
    this.sampler = new DurableSampler(metricsResolutionMillis);
    this.placementConfig = placementConfig;
    this.placement = new PlacementEngine(this::liveNodes, selector, scoring, dev.gpuhub.core.allocation.Overcommit.NONE, journal,
        clock, placementConfig.holdTimeout());
  }

  /** The serial applier every placement decision (spawns, {@code /select-nodes}) goes through. */
  public PlacementEngine placement() {
    return placement;
  }

  /** Heartbeats waiting for the durable store, and those lost (dropped after failing, or refused when the buffer was full). */
  public long[] heartbeatBuffer() {
    return new long[] {writer.pending(), writer.failedHeartbeats() + writer.refusedHeartbeats()};
  }

  /** Whether each GPU holder uses its GPUs, as of the last {@link #observeGpuActivity()}. */
  public GpuActivityTracker gpuActivity() {
    return gpuActivity;
  }

  /** Looks at the live nodes' GPUs against the reservations (called every placement tick). */
  public void observeGpuActivity() {
    gpuActivity.observe(clock.instant(), liveNodes(), placement.reservations());
  }

  /** Whether requests use the strict thresholds unless they say otherwise. */
  public boolean strictDefault() {
    return strictDefault;
  }

  public PlacementConfig placementConfig() {
    return placementConfig;
  }

  /**
   * Accepts a validated heartbeat: live state now; node row and metric row through the writer
   * (at most one per node per metric resolution, see {@link DurableSampler}). Returns false when
   * the writer's queue was full and the durable write was dropped.
   */
  public boolean ingest(NodeReport report) {
    liveView.heard(report);
    live.put(report);
    liveView.noted(report);
    metrics.heartbeatAccepted();
    if (!sampler.shouldWrite(report, System.nanoTime())) return true;
    if (writer.submit(new Heartbeat(report, loadScore(report), clock.instant()))) return true;
    sampler.forget(report.hostname());
    return false;
  }

  /** Called when the sweep marked nodes inactive: their next heartbeat must reach the store. */
  public void forgetWritten(List<String> hostnames) {
    hostnames.forEach(sampler::forget);
  }

  public double loadScore(NodeReport report) {
    return LoadScore.of(report, scoring);
  }

  /** Every node with unexpired live state, except those {@link #exclude excluded}. */
  public List<NodeReport> liveNodes() {
    List<NodeReport> all = liveView.nodes();
    if (excluded.isEmpty()) return all;
    return all.stream().filter(n -> !excluded.contains(n.hostname())).toList();
  }

  /**
   * Takes {@code hostname} out of every live view at once (availability, selection, placement,
   * services, jobs), whatever its live state still says, until {@link #include} (a revoked node,
   * until it joins again).
   */
  public void exclude(String hostname) {
    excluded.add(hostname);
  }

  /** Lets {@code hostname} back into the live views (it joined again). */
  public void include(String hostname) {
    excluded.remove(hostname);
  }

  /**
   * Every live node plus one selection of {@code count} nodes, as the seed's {@code /available-nodes}.
   * Too few eligible nodes is not an error here: the selection is empty and the reason is given.
   */
  public Availability available(int count, SelectionAlgorithm algorithm, boolean gpuRequired) {
    List<NodeReport> nodes = liveNodes();
    SelectionAlgorithm alg = algorithm == null ? defaultAlgorithm : algorithm;
    Thresholds limits = strictDefault ? Thresholds.STRICT : Thresholds.DEFAULT;
    SelectionRequest request = new SelectionRequest(null, gpuRequired, 0, 0, count, limits, alg);
    try {
      SelectionOutcome outcome = metrics.selectionTimer().record(() -> selector.select(nodes, request));
      return new Availability(nodes, alg, count, outcome, null, outcome.roundRobinCounter());
    } catch (NotEnoughNodesException e) {
      metrics.selectionFailed();
      return new Availability(nodes, alg, count, null, e.getMessage(), selector.roundRobinCounter());
    }
  }

  /**
   * Chooses nodes for a user and a profile, holds a reservation on each (owner
   * {@code selection:<uuid>}, lapsing after the hold timeout unless bound) and records the decision.
   * The policy is the request's algorithm, else the profile's policy, else the server's default
   * algorithm (the seed's behaviour for this endpoint).
   *
   * @throws NotFoundException when the profile does not exist
   * @throws IllegalArgumentException when num_nodes is outside the profile's range
   * @throws NotEnoughNodesException when too few nodes have room
   */
  public Selection select(SelectCommand command) {
    Profile profile = profile(command.profileRef())
        .orElseThrow(() -> new NotFoundException("profile '" + command.profileRef() + "' does not exist"));
    int count = command.numNodes() == null ? profile.minNodes() : command.numNodes();
    if (count < profile.minNodes() || count > profile.maxNodes()) {
      throw new IllegalArgumentException("profile " + profile.name() + " allows " + range(profile)
          + " nodes; " + count + " requested");
    }
    PlacementPolicy policy = command.algorithm() != null ? PlacementPolicy.of(command.algorithm())
        : profile.placementPolicy() != null ? PlacementPolicy.fromWireName(profile.placementPolicy())
        : PlacementPolicy.of(defaultAlgorithm);
    boolean strict = command.strict() == null ? strictDefault : command.strict();
    PlacementRequest request = PlacementRequest.forProfile("selection:" + UUID.randomUUID(), profile, count, strict,
        policy, List.of());
    return metrics.selectionTimer().record(() -> {
      Placement placed;
      try {
        placed = placement.placeNow(request);
      } catch (NotEnoughNodesException e) {
        metrics.selectionFailed();
        throw e;
      }
      try {
        NodeSelection recorded = repository.recordSelection(new NodeSelection(0, profile.id(),
            command.userId(), command.sessionId(), placed.hostnames(), policy.wireName(), clock.instant()));
        return new Selection(recorded, scored(placed), placed, profile, policy);
      } catch (RuntimeException e) {
        placement.release(placed.owner()); // nothing half-done: no record, no reservation
        throw e;
      }
    });
  }

  /** The placed nodes with their current load scores, primary first. */
  public List<ScoredNode> scored(Placement placed) {
    java.util.Map<String, NodeReport> byHost = new java.util.HashMap<>();
    for (NodeReport n : liveNodes()) byHost.put(n.hostname(), n);
    List<ScoredNode> out = new java.util.ArrayList<>();
    for (String h : placed.hostnames()) {
      NodeReport n = byHost.get(h);
      if (n != null) out.add(new ScoredNode(n, loadScore(n), 1.0));
    }
    return out;
  }

  /**
   * Every live node with the reason it has no room for {@code profile} now (null when it has),
   * reservations included; for no profile, the seed filters at the default limits.
   */
  public List<EligibleNode> eligibility(Profile profile) {
    List<NodeReport> nodes = liveNodes();
    if (profile == null) {
      SelectionRequest any = new SelectionRequest(null, false, 0, 0, 1,
          strictDefault ? Thresholds.STRICT : Thresholds.DEFAULT, defaultAlgorithm);
      return selector.rank(nodes, any).stream()
          .map(s -> new EligibleNode(s, selector.rejection(s.node(), any).orElse(null))).toList();
    }
    java.util.Map<String, String> rejected = placement.rejections(
        PlacementRequest.forProfile("preview", profile, 1, strictDefault, null, List.of()));
    SelectionRequest request = SelectionRequest.forProfile(profile, 1, strictDefault, defaultAlgorithm);
    return selector.rank(nodes, request).stream()
        .map(s -> new EligibleNode(s, rejected.get(s.hostname()))).toList();
  }

  /** Every node ranked by the selector (best first) with its load score, no filtering. */
  public List<dev.gpuhub.core.placement.ScoredNode> rankAll(List<NodeReport> nodes) {
    SelectionRequest any = new SelectionRequest(null, false, 0, 0, 1, Thresholds.DEFAULT, defaultAlgorithm);
    return selector.rank(nodes, any);
  }

  /** A profile by id (all digits) or by name. */
  public Optional<Profile> profile(String ref) {
    if (ref == null || ref.isBlank()) return Optional.empty();
    if (ref.chars().allMatch(Character::isDigit) && ref.length() < 18) {
      return repository.profile(Long.parseLong(ref));
    }
    return repository.profileByName(ref);
  }

  private static String range(Profile p) {
    return p.minNodes() == p.maxNodes() ? "exactly " + p.minNodes() : p.minNodes() + " to " + p.maxNodes();
  }
}
