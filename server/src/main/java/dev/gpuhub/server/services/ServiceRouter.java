package dev.gpuhub.server.services;

import dev.gpuhub.core.balance.BackendPool;
import dev.gpuhub.core.balance.Lease;
import dev.gpuhub.core.balance.Strategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ready replicas of every service and the choice among them for one request, by the service's
 * strategy ({@link BackendPool}: round robin, or fewest requests open now). A replica taken out
 * with {@link #remove} gets no new requests; {@link #inFlight} tells when its last one ended, so it
 * can be stopped without dropping any. Thread-safe.
 */
public final class ServiceRouter {
  /** A chosen replica for one request; call {@link #end()} exactly when the request has ended. */
  public static final class Choice {
    private final ServiceReplica replica;
    private final Lease lease;
    private final AtomicInteger open;
    private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

    Choice(ServiceReplica replica, Lease lease, AtomicInteger open) {
      this.replica = replica;
      this.lease = lease;
      this.open = open;
    }

    public ServiceReplica replica() {
      return replica;
    }

    /** The request ended; idempotent. */
    public void end() {
      if (ended.compareAndSet(false, true)) {
        lease.release();
        open.decrementAndGet();
      }
    }
  }

  private final Map<String, Routes> services = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();

  private static final class Routes {
    final BackendPool pool = new BackendPool(List.of());
    final Map<String, ServiceReplica> byKey = new LinkedHashMap<>();
    volatile Strategy strategy;

    Routes(Strategy strategy) {
      this.strategy = strategy;
    }
  }

  /** Sets the strategy of a service (creating its route table). */
  public void strategy(String service, String wireName) {
    Strategy s = Strategy.fromWireName(wireName).orElseThrow(() -> new IllegalArgumentException("unknown strategy " + wireName));
    services.computeIfAbsent(service, n -> new Routes(s)).strategy = s;
  }

  /** Starts sending requests to a ready replica. */
  public void add(ServiceReplica replica) {
    Routes r = services.computeIfAbsent(replica.service(), n -> new Routes(Strategy.ROUND_ROBIN));
    synchronized (r) {
      r.byKey.put(replica.key(), replica);
      r.pool.setBackends(new ArrayList<>(r.byKey.keySet()));
    }
  }

  /** Stops sending new requests to the replica; requests already on it finish. */
  public void remove(ServiceReplica replica) {
    Routes r = services.get(replica.service());
    if (r == null) return;
    synchronized (r) {
      r.byKey.remove(replica.key());
      r.pool.setBackends(new ArrayList<>(r.byKey.keySet()));
    }
  }

  /** Requests open on the replica now (0 once removed and drained). */
  public int inFlight(ServiceReplica replica) {
    AtomicInteger n = open.get(replica.key());
    return n == null ? 0 : n.get();
  }

  /** A replica for one request of {@code service}, or empty when it has no ready replica. */
  public Optional<Choice> choose(String service) {
    Routes r = services.get(service);
    if (r == null) return Optional.empty();
    Optional<Lease> lease = r.pool.acquire(r.strategy);
    if (lease.isEmpty()) return Optional.empty();
    ServiceReplica replica;
    AtomicInteger counter;
    synchronized (r) { // remove() takes the same lock: a replica counted here is seen by inFlight
      replica = r.byKey.get(lease.get().backendId());
      if (replica == null) { // removed between the two steps
        lease.get().release();
        return Optional.empty();
      }
      counter = open.computeIfAbsent(replica.key(), k -> new AtomicInteger());
      counter.incrementAndGet();
    }
    return Optional.of(new Choice(replica, lease.get(), counter));
  }

  /** The service's ready replicas, in the order they were added. */
  public List<ServiceReplica> ready(String service) {
    Routes r = services.get(service);
    if (r == null) return List.of();
    synchronized (r) {
      return List.copyOf(r.byKey.values());
    }
  }

  /** Forgets a deleted service. */
  public void drop(String service) {
    services.remove(service);
  }
}
