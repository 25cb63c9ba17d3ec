package dev.gpuhub.core.balance;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * N backends, named by id, that requests are balanced over. Thread-safe: every method takes one
 * short lock (no I/O under it), so many request threads can share one pool.
 *
 * <p>{@link #acquire(Strategy, Set)} chooses a backend with the given {@link Strategy} and returns a
 * {@link Lease}; the backend counts one more open connection until the lease ends. Ending it with
 * {@link Lease#failed()} marks the backend down; a backend that is down is not <em>eligible</em>
 * until its back-off ({@link BackoffPolicy}) has passed. The first acquire after that chooses it as
 * a probe (a real request is the trial) and pushes its retry time out by the same back-off, so only
 * one request at a time tries a backend that is down; {@link Lease#succeeded()} brings it back,
 * {@link Lease#failed()} doubles its back-off.
 *
 * <p>When no backend outside {@code exclude} is eligible but some outside it are down and backing
 * off, acquire chooses among those rather than failing: a caller gets an empty result only when
 * every backend is in {@code exclude} (or the pool is empty). A caller that retries a failed request
 * passes the backends it already tried as {@code exclude}, so it tries each backend at most once.
 */
public final class BackendPool {
  private final BackoffPolicy backoff;
  private final LongSupplier nanoClock;
  private final Object lock = new Object();
  private List<Backend> backends;
  private int roundRobinLast = -1;
  private int leastConnectionsLast = -1;

  /** A pool with the {@link BackoffPolicy#DEFAULT default back-off} on {@link System#nanoTime()}. */
  public BackendPool(Collection<String> ids) {
    this(ids, BackoffPolicy.DEFAULT, System::nanoTime);
  }

  public BackendPool(Collection<String> ids, BackoffPolicy backoff) {
    this(ids, backoff, System::nanoTime);
  }

  /**
   * @param ids       distinct backend ids, in round-robin order; may be empty
   * @param nanoClock monotonic nanoseconds (tests pass a fake one)
   */
  public BackendPool(Collection<String> ids, BackoffPolicy backoff, LongSupplier nanoClock) {
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.backends = build(ids, Map.of());
  }

  /** Chooses an eligible backend with {@code strategy}; see the class comment. */
  public Optional<Lease> acquire(Strategy strategy) {
    return acquire(strategy, Set.of());
  }

  /**
   * Chooses a backend outside {@code exclude} with {@code strategy}: an eligible one if there is
   * any, else one that is down and still backing off; empty when every backend is excluded.
   */
  public Optional<Lease> acquire(Strategy strategy, Set<String> exclude) {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(exclude, "exclude");
    synchronized (lock) {
      int n = backends.size();
      if (n == 0) return Optional.empty();
      long now = nanoClock.getAsLong();
      boolean[] eligible = new boolean[n];
      boolean[] lastResort = new boolean[n];
      boolean anyEligible = false;
      boolean anyLastResort = false;
      for (int i = 0; i < n; i++) {
        Backend b = backends.get(i);
        if (exclude.contains(b.id)) continue;
        if (!b.down || now - b.retryAt >= 0) {
          eligible[i] = true;
          anyEligible = true;
        } else {
          lastResort[i] = true;
          anyLastResort = true;
        }
      }
      if (!anyEligible && !anyLastResort) return Optional.empty();
      boolean[] candidates = anyEligible ? eligible : lastResort;
      int chosen = strategy == Strategy.ROUND_ROBIN ? roundRobin(candidates) : leastConnections(candidates);
      Backend b = backends.get(chosen);
      boolean probe = b.down;
      if (probe) b.retryAt = now + backoff.delayNanos(Math.max(1, b.failures));
      b.active++;
      return Optional.of(new Lease(this, b, probe));
    }
  }

  private int roundRobin(boolean[] candidates) {
    int n = candidates.length;
    for (int step = 1; step <= n; step++) {
      int i = Math.floorMod(roundRobinLast + step, n);
      if (candidates[i]) {
        roundRobinLast = i;
        return i;
      }
    }
    throw new IllegalStateException("no candidate");
  }

  private int leastConnections(boolean[] candidates) {
    int n = candidates.length;
    int best = -1;
    for (int step = 1; step <= n; step++) {
      int i = Math.floorMod(leastConnectionsLast + step, n);
      if (candidates[i] && (best < 0 || backends.get(i).active < backends.get(best).active)) best = i;
    }
    if (best < 0) throw new IllegalStateException("no candidate");
    leastConnectionsLast = best;
    return best;
  }

  /** Marks {@code id} down now (e.g. an external health check failed); unknown ids are ignored. */
  public void markDown(String id) {
    synchronized (lock) {
      Backend b = find(id);
      if (b != null) fail(b, nanoClock.getAsLong());
    }
  }

  /** Marks {@code id} up now; unknown ids are ignored. */
  public void markUp(String id) {
    synchronized (lock) {
      Backend b = find(id);
      if (b != null) succeed(b);
    }
  }

  /**
   * Replaces the backend list (replicas came or went). Backends that stay keep their counts and
   * health; new ones start up with no connections; leases on removed ones still end harmlessly.
   */
  public void setBackends(Collection<String> ids) {
    synchronized (lock) {
      Map<String, Backend> old = new HashMap<>();
      for (Backend b : backends) old.put(b.id, b);
      backends = build(ids, old);
    }
  }

  /** The backend ids in round-robin order. */
  public List<String> ids() {
    synchronized (lock) {
      return backends.stream().map(b -> b.id).toList();
    }
  }

  public int size() {
    synchronized (lock) {
      return backends.size();
    }
  }

  /** Every backend's counts and health now, in round-robin order. */
  public List<BackendStatus> snapshot() {
    synchronized (lock) {
      long now = nanoClock.getAsLong();
      List<BackendStatus> out = new ArrayList<>(backends.size());
      for (Backend b : backends) {
        long retryIn = b.down ? Math.max(0, b.retryAt - now) : 0;
        out.add(new BackendStatus(b.id, b.active, !b.down, b.failures, retryIn));
      }
      return out;
    }
  }

  /** The status of {@code id}, if it is in the pool. */
  public Optional<BackendStatus> status(String id) {
    return snapshot().stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /** The back-off this pool applies. */
  public BackoffPolicy backoff() {
    return backoff;
  }

  /** Ends a lease: {@code outcome} +1 success, -1 failure, 0 neither. */
  void end(Backend b, int outcome) {
    synchronized (lock) {
      if (b.active > 0) b.active--;
      if (outcome > 0) succeed(b);
      else if (outcome < 0) fail(b, nanoClock.getAsLong());
    }
  }

  private void succeed(Backend b) {
    b.down = false;
    b.failures = 0;
    b.retryAt = 0;
  }

  private void fail(Backend b, long now) {
    b.down = true;
    if (b.failures < Integer.MAX_VALUE) b.failures++;
    b.retryAt = now + backoff.delayNanos(b.failures);
  }

  private Backend find(String id) {
    for (Backend b : backends) if (b.id.equals(id)) return b;
    return null;
  }

  private static List<Backend> build(Collection<String> ids, Map<String, Backend> keep) {
    Objects.requireNonNull(ids, "ids");
    Set<String> seen = new HashSet<>();
    List<Backend> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      Objects.requireNonNull(id, "backend id");
      if (!seen.add(id)) throw new IllegalArgumentException("duplicate backend id '" + id + "'");
      out.add(keep.getOrDefault(id, new Backend(id)));
    }
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return "BackendPool" + snapshot();
  }

  /** Mutable per-backend state, guarded by the pool's lock. */
  static final class Backend {
    final String id;
    int active;
    boolean down;
    int failures;
    long retryAt;

    Backend(String id) {
      this.id = id;
    }
  }
}
