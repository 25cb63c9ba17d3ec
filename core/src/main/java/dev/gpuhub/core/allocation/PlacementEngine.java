package dev.gpuhub.core.allocation;

import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.placement.NodeSelector;
import dev.gpuhub.core.placement.NotEnoughNodesException;
import dev.gpuhub.core.placement.ScoringConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The one serial applier of placement decisions. Every decision reads the latest node reports plus
 * every reservation, and takes its reservations before the next decision starts, so two decisions
 * can never hand out the same room. Reservations are journalled before the decision returns (a
 * failed write undoes it); a restarted engine restores them from the journal.
 *
 * <p>Requests that find no room wait in one queue per class ({@code cpu}, {@code gpu}), in the
 * order they were asked for ({@link #submit(PlacementRequest, Duration, Instant)}; submission order
 * between equal times): a request asked for later never overtakes an earlier one of its class, even
 * when the earlier one reaches the engine after it (its start had work to do first, or a restart
 * of the hub resumed it). The queue is served whenever room may
 * have freed: on release, on {@link #tick()} (expiry and new reports) and on {@link #serve()}.
 *
 * <p>Thread-safe. Futures of tickets complete outside the lock.
 */
public final class PlacementEngine {
  private final ReentrantLock lock = new ReentrantLock(true); // fair: decisions are applied in arrival order
  private final ReservationLedger ledger = new ReservationLedger();
  private final PlacementQueues queues = new PlacementQueues();
  private final Map<String, ReleasePace> pace = new HashMap<>();
  private final List<Consumer<PlacementRequest>> queuedListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Supplier<List<NodeReport>> liveNodes;
  private final NodeChooser chooser;
  private final Overcommit overcommit;
  private final ReservationJournal journal;
  private final Clock clock;
  private final Duration holdTimeout;

  /**
   * @param liveNodes   the current node reports (read at every decision)
   * @param holdTimeout how long a HELD reservation lives if nothing binds it
   */
  public PlacementEngine(Supplier<List<NodeReport>> liveNodes, NodeSelector selector, ScoringConfig scoring,
                         Overcommit overcommit, ReservationJournal journal, Clock clock, Duration holdTimeout) {
    this.liveNodes = liveNodes;
    this.chooser = new NodeChooser(selector, scoring);
    this.overcommit = overcommit;
    this.journal = journal;
    this.clock = clock;
    this.holdTimeout = holdTimeout;
    ledger.putAll(journal.all());
  }

  /**
   * Places the request now or not at all (no queueing), e.g. for {@code /select-nodes}.
   *
   * @throws NotEnoughNodesException when too few nodes have room, or requests of its class are queued
   * @throws IllegalStateException when the owner already holds or awaits a placement
   */
  public Placement placeNow(PlacementRequest request) {
    return placeNow(request, false);
  }

  /**
   * Places the request now or not at all, even while requests of its class wait: for work whose
   * caller already planned around the queue (training jobs plan on the GPUs left after setting
   * some aside for the people who wait, see the hub's job scheduler).
   *
   * @throws NotEnoughNodesException when too few nodes have room
   * @throws IllegalStateException when the owner already holds or awaits a placement
   */
  public Placement placeBesideQueue(PlacementRequest request) {
    return placeNow(request, true);
  }

  private Placement placeNow(PlacementRequest request, boolean besideQueue) {
    lock.lock();
    try {
      requireNew(request.owner());
      int waiting = queues.size(request.queueClass());
      if (!besideQueue && waiting > 0) {
        throw new NotEnoughNodesException(waiting + " earlier " + request.queueClass()
            + " request(s) are waiting for room; this one would overtake them", Map.of("queue", waiting + " ahead"));
      }
      NodeChooser.Choice choice = chooser.choose(request, allocations(liveNodes.get()));
      if (!choice.placed()) throw new NotEnoughNodesException(choice.shortfall(), choice.rejected());
      return take(request, choice);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Places the request, or queues it for at most {@code maxWait} when nothing has room now. The
   * ticket's future fails at once when the request could never fit the live nodes even if idle.
   *
   * @throws IllegalStateException when the owner already holds or awaits a placement
   */
  public PlacementTicket submit(PlacementRequest request, Duration maxWait) {
    return submit(request, maxWait, clock.instant());
  }

  /**
   * As {@link #submit(PlacementRequest, Duration)} for a request first asked for at {@code askedAt}:
   * it waits behind every queued request of its class asked for no later, and ahead of those asked
   * for later; one that lands at the head is served at once if it fits.
   *
   * @throws IllegalStateException when the owner already holds or awaits a placement
   */
  public PlacementTicket submit(PlacementRequest request, Duration maxWait, Instant askedAt) {
    Instant now = clock.instant();
    PlacementTicket ticket = new PlacementTicket(request, askedAt, now, now.plus(maxWait));
    Placement placed = null;
    RuntimeException failed = null;
    boolean queued = false;
    List<Runnable> completions = new ArrayList<>();
    lock.lock();
    try {
      requireNew(request.owner());
      List<NodeReport> nodes = liveNodes.get();
      Optional<String> never = chooser.neverFits(request, nodes);
      if (never.isPresent()) {
        failed = new NotEnoughNodesException(never.get(), Map.of());
      } else if (queues.size(request.queueClass()) == 0) {
        NodeChooser.Choice choice = chooser.choose(request, allocations(nodes));
        if (choice.placed()) placed = take(request, choice);
        else ticket.why(choice.rejected());
      }
      if (placed == null && failed == null) {
        int ahead = queues.enqueue(ticket);
        if (ahead > 0) {
          ticket.why(Map.of("queue", ahead + " earlier request(s) wait ahead"));
        } else if (queues.size(request.queueClass()) > 1) {
          serveLocked(completions); // asked for before everything queued: it may fit where the old head did not
        }
        queued = queues.contains(ticket);
      }
    } finally {
      lock.unlock();
    }
    completions.forEach(Runnable::run);
    if (placed != null) ticket.result().complete(placed);
    if (failed != null) ticket.result().completeExceptionally(failed);
    if (queued) queuedListeners.forEach(l -> l.accept(request));
    return ticket;
  }

  /**
   * Calls {@code listener} (outside the lock, on the submitting thread) with every request that
   * starts waiting in a queue, e.g. so that GPUs held by preemptible work can be freed for it.
   */
  public void onQueued(Consumer<PlacementRequest> listener) {
    queuedListeners.add(listener);
  }

  /** The requests waiting in the queue of {@code queueClass}, in serving order. */
  public List<PlacementRequest> waiting(String queueClass) {
    lock.lock();
    try {
      return queues.tickets(queueClass).stream().map(PlacementTicket::request).toList();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records that {@code gpus} GPUs are being freed for the queued request of {@code owner} (e.g.
   * training jobs shrink for it) and should be free within {@code within}: its queue entry's
   * estimate and reasons say so until it is served or leaves the queue. Ignored when the owner
   * does not wait.
   */
  public void promise(String owner, int gpus, Duration within) {
    lock.lock();
    try {
      queues.promise(owner, new PlacementQueues.Promise(gpus, clock.instant().plus(within)));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Marks all of the owner's reservations BOUND (no expiry), each to the container started on its
   * node ({@code containerByNode}; nodes without one are bound with no container).
   *
   * @return the bound reservations; empty when the owner holds none (e.g. they lapsed)
   */
  public List<Reservation> bind(String owner, Map<String, String> containerByNode) {
    lock.lock();
    try {
      List<Reservation> held = ledger.ofOwner(owner);
      if (held.isEmpty()) return List.of();
      Instant now = clock.instant();
      List<Reservation> bound = new ArrayList<>(held.size());
      for (Reservation r : held) bound.add(r.bound(now, containerByNode.get(r.hostname())));
      journal.updated(bound);
      ledger.putAll(bound);
      return bound;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Releases everything the owner holds and cancels its queued request, then serves the queue.
   *
   * @return the released reservations
   */
  public List<Reservation> release(String owner) {
    List<Runnable> completions = new ArrayList<>();
    List<Reservation> released;
    lock.lock();
    try {
      released = releaseLocked(owner, clock.instant());
      PlacementTicket queued = queues.remove(owner);
      if (queued != null) {
        completions.add(() -> queued.result().completeExceptionally(new CancellationException("cancelled by " + owner)));
      }
      if (!released.isEmpty()) serveLocked(completions);
    } finally {
      lock.unlock();
    }
    completions.forEach(Runnable::run);
    return released;
  }

  /** Expires lapsed HELD reservations and queued requests past their wait, then serves the queue. */
  public void tick() {
    List<Runnable> completions = new ArrayList<>();
    lock.lock();
    try {
      Instant now = clock.instant();
      for (Reservation r : ledger.all()) {
        if (r.state() == ReservationState.HELD && !r.expiresAt().isAfter(now)) releaseLocked(r.owner(), now);
      }
      for (PlacementQueues.Expired e : queues.expire(now)) {
        PlacementTicket t = e.ticket();
        String message = "no room for " + describe(t.request()) + " within "
            + Duration.between(t.since(), t.deadline()).toSeconds() + " s of waiting (position " + e.position()
            + " of " + e.length() + "); " + reasons(t.why());
        completions.add(() -> t.result().completeExceptionally(new NotEnoughNodesException(message, t.why())));
      }
      serveLocked(completions);
    } finally {
      lock.unlock();
    }
    completions.forEach(Runnable::run);
  }

  /** Serves queued requests in order while there is room. */
  public void serve() {
    List<Runnable> completions = new ArrayList<>();
    lock.lock();
    try {
      serveLocked(completions);
    } finally {
      lock.unlock();
    }
    completions.forEach(Runnable::run);
  }

  // ---- views

  /** Every reservation, oldest first. */
  public List<Reservation> reservations() {
    lock.lock();
    try {
      List<Reservation> all = ledger.all();
      all.sort(java.util.Comparator.comparing(Reservation::createdAt).thenComparing(Reservation::id));
      return all;
    } finally {
      lock.unlock();
    }
  }

  /** The owner's reservations, primary first. */
  public List<Reservation> reservationsOf(String owner) {
    lock.lock();
    try {
      return ledger.ofOwner(owner);
    } finally {
      lock.unlock();
    }
  }

  /** Every live node's capacity against its reservations, by hostname. */
  public List<NodeAllocation> allocations() {
    List<NodeReport> nodes = liveNodes.get();
    lock.lock();
    try {
      List<NodeAllocation> out = allocations(nodes);
      out.sort(java.util.Comparator.comparing(NodeAllocation::hostname));
      return out;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Why each live node without room for {@code request} has none right now (nodes with room are
   * absent), without deciding anything.
   */
  public Map<String, String> rejections(PlacementRequest request) {
    List<NodeReport> nodes = liveNodes.get();
    lock.lock();
    try {
      return chooser.rejected(request, allocations(nodes));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Where {@code request} would go now and why not elsewhere, decided as {@link #placeNow} or
   * {@link #submit} would (its class's queue included), without reserving anything.
   */
  public PlacementPreview preview(PlacementRequest request) {
    List<NodeReport> nodes = liveNodes.get();
    lock.lock();
    try {
      return chooser.preview(request, allocations(nodes), queues.size(request.queueClass()));
    } finally {
      lock.unlock();
    }
  }

  /** Every queued request, class by class, in serving order. */
  public List<QueueEntry> queue() {
    lock.lock();
    try {
      List<QueueEntry> out = new ArrayList<>();
      for (String queueClass : queues.classes()) {
        List<PlacementTicket> tickets = queues.tickets(queueClass);
        int position = 0;
        for (PlacementTicket t : tickets) out.add(entry(queueClass, t, ++position, tickets.size()));
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** The owner's queued request, if it waits. */
  public Optional<QueueEntry> queued(String owner) {
    return queue().stream().filter(q -> q.owner().equals(owner)).findFirst();
  }

  // ---- internals (lock held)

  private void requireNew(String owner) {
    if (ledger.holds(owner)) throw new IllegalStateException(owner + " already holds a placement");
    if (queues.waits(owner)) throw new IllegalStateException(owner + " already waits for a placement");
  }

  private List<NodeAllocation> allocations(List<NodeReport> nodes) {
    List<NodeAllocation> out = new ArrayList<>(nodes.size());
    for (NodeReport n : nodes) out.add(NodeAllocation.of(n, ledger.onNode(n.hostname()), overcommit));
    return out;
  }

  private Placement take(PlacementRequest request, NodeChooser.Choice choice) {
    Instant now = clock.instant();
    List<Reservation> taken = new ArrayList<>(choice.chosen().size());
    for (NodeAllocation a : choice.chosen()) {
      List<String> gpus = a.freeGpus(request.gpuConstraint()).subList(0, request.gpusPerNode());
      taken.add(new Reservation(UUID.randomUUID().toString(), request.owner(), request.profileName(), a.hostname(),
          request.cpu(), request.memoryGb(), gpus, ReservationState.HELD, now, now.plus(holdTimeout), null, null));
    }
    journal.added(taken); // throws before anything is visible in memory
    ledger.putAll(taken);
    return new Placement(request.owner(), taken, choice.rejected(), choice.roundRobinCounter());
  }

  private List<Reservation> releaseLocked(String owner, Instant now) {
    List<Reservation> held = ledger.ofOwner(owner);
    if (held.isEmpty()) return held;
    journal.removed(held.stream().map(Reservation::id).toList());
    ledger.removeAll(held);
    boolean gpu = held.stream().anyMatch(r -> !r.gpuUuids().isEmpty());
    pace.computeIfAbsent(gpu ? "gpu" : "cpu", c -> new ReleasePace()).released(now);
    return held;
  }

  private void serveLocked(List<Runnable> completions) {
    if (queues.isEmpty()) return;
    List<NodeReport> nodes = liveNodes.get();
    for (String queueClass : queues.classes()) {
      PlacementTicket head;
      while ((head = queues.head(queueClass)) != null) {
        NodeChooser.Choice choice = chooser.choose(head.request(), allocations(nodes));
        if (!choice.placed()) {
          head.why(choice.rejected());
          break;
        }
        Placement placed = take(head.request(), choice);
        queues.removeHead(queueClass);
        PlacementTicket served = head;
        completions.add(() -> {
          if (!served.result().complete(placed)) release(placed.owner()); // nobody waits for it any more
        });
      }
      queues.markWaitsAhead(queueClass);
    }
  }

  private QueueEntry entry(String queueClass, PlacementTicket t, int position, int length) {
    ReleasePace p = pace.get(queueClass);
    Long estimate = p == null ? null : p.estimateSeconds(position);
    Map<String, String> why = new LinkedHashMap<>(t.why());
    PlacementQueues.Promise promised = queues.promiseOf(t.request().owner());
    if (promised != null) {
      long seconds = Math.max(0, Duration.between(clock.instant(), promised.due()).toSeconds());
      estimate = estimate == null ? seconds : Math.min(estimate, seconds);
      why.put("jobs", "training jobs are giving up " + promised.gpus() + " GPU(s) for this request");
    }
    return new QueueEntry(t.request().owner(), t.request().profileName(), queueClass, position, length, t.since(),
        t.deadline(), estimate, why);
  }

  private static String describe(PlacementRequest r) {
    return r.profileName() == null ? "the request" : "profile " + r.profileName();
  }

  private static String reasons(Map<String, String> why) {
    if (why.isEmpty()) return "no node reported room";
    return "why: " + dev.gpuhub.core.placement.Rejections.list(new TreeMap<>(why));
  }
}
