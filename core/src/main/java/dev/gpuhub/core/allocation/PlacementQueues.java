package dev.gpuhub.core.allocation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The placement engine's waiting requests: one queue per class ({@code cpu}, {@code gpu}), each in
 * the order its requests were asked for (submission order between equal times), plus the GPUs
 * being freed for some of them ({@link Promise}). Not thread-safe: the engine calls it under its
 * lock only.
 */
final class PlacementQueues {
  /** GPUs being freed for a queued request, due by {@code due}. */
  record Promise(int gpus, Instant due) {}

  /** A ticket that left its queue past its deadline, with its place there when it left. */
  record Expired(PlacementTicket ticket, int position, int length) {}

  private final Map<String, List<PlacementTicket>> queues = new TreeMap<>();
  private final Map<String, Promise> promises = new HashMap<>();

  /** The classes that have (or had) a queue, in name order. */
  List<String> classes() {
    return List.copyOf(queues.keySet());
  }

  /** Whether no request waits in any class. */
  boolean isEmpty() {
    return queues.values().stream().allMatch(List::isEmpty);
  }

  /** How many requests wait in {@code queueClass}. */
  int size(String queueClass) {
    List<PlacementTicket> q = queues.get(queueClass);
    return q == null ? 0 : q.size();
  }

  /** Whether {@code owner} waits in some class. */
  boolean waits(String owner) {
    return queues.values().stream().flatMap(List::stream).anyMatch(t -> t.request().owner().equals(owner));
  }

  /** Whether {@code ticket} still waits. */
  boolean contains(PlacementTicket ticket) {
    List<PlacementTicket> q = queues.get(ticket.request().queueClass());
    return q != null && q.contains(ticket);
  }

  /** Puts {@code ticket} behind every ticket of its class asked for no later; returns how many are ahead. */
  int enqueue(PlacementTicket ticket) {
    List<PlacementTicket> q = queues.computeIfAbsent(ticket.request().queueClass(), c -> new ArrayList<>());
    int at = q.size();
    while (at > 0 && q.get(at - 1).askedAt().isAfter(ticket.askedAt())) at--;
    q.add(at, ticket);
    return at;
  }

  /** The first ticket of {@code queueClass}, or null. */
  PlacementTicket head(String queueClass) {
    List<PlacementTicket> q = queues.get(queueClass);
    return q == null || q.isEmpty() ? null : q.get(0);
  }

  /** Removes the first ticket of {@code queueClass} (served) and its promise. */
  void removeHead(String queueClass) {
    PlacementTicket head = queues.get(queueClass).remove(0);
    promises.remove(head.request().owner());
  }

  /** Removes the owner's ticket and promise; returns the ticket, or null when the owner does not wait. */
  PlacementTicket remove(String owner) {
    for (List<PlacementTicket> q : queues.values()) {
      for (var it = q.iterator(); it.hasNext(); ) {
        PlacementTicket t = it.next();
        if (t.request().owner().equals(owner)) {
          it.remove();
          promises.remove(owner);
          return t;
        }
      }
    }
    return null;
  }

  /** Removes the tickets whose deadline is not after {@code now}, with their promises. */
  List<Expired> expire(Instant now) {
    List<Expired> out = new ArrayList<>();
    for (List<PlacementTicket> q : queues.values()) {
      int position = 0;
      for (var it = q.iterator(); it.hasNext(); ) {
        PlacementTicket t = it.next();
        position++;
        if (!t.deadline().isAfter(now)) {
          it.remove();
          promises.remove(t.request().owner());
          out.add(new Expired(t, position, q.size() + 1));
        }
      }
    }
    return out;
  }

  /** Tells every ticket of {@code queueClass} but the first how many wait ahead of it. */
  void markWaitsAhead(String queueClass) {
    int ahead = 0;
    for (PlacementTicket t : queues.get(queueClass)) {
      if (ahead++ > 0) t.why(Map.of("queue", (ahead - 1) + " earlier request(s) wait ahead"));
    }
  }

  /** The tickets of {@code queueClass}, in serving order. */
  List<PlacementTicket> tickets(String queueClass) {
    List<PlacementTicket> q = queues.get(queueClass);
    return q == null ? List.of() : List.copyOf(q);
  }

  /** Records a promise for {@code owner} if it waits; ignored otherwise. */
  void promise(String owner, Promise promise) {
    if (waits(owner)) promises.put(owner, promise);
  }

  /** The promise for {@code owner}, or null. */
  Promise promiseOf(String owner) {
    return promises.get(owner);
  }
}
