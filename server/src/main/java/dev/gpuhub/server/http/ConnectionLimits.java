package dev.gpuhub.server.http;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Caps long-lived connections (event streams, WebSockets) per user and per client address, so one
 * user or one address cannot hold all of the hub's threads or sockets. A connection takes a
 * {@link Lease} while it lasts and returns it when it ends. Thread-safe.
 */
public final class ConnectionLimits {
  private final String what;
  private final int perUser;
  private final int perAddress;
  private final Map<String, Integer> open = new ConcurrentHashMap<>();

  /** @param what what is counted, for messages (e.g. "progress streams") */
  public ConnectionLimits(String what, int perUser, int perAddress) {
    if (perUser < 1 || perAddress < 1) throw new IllegalArgumentException("limits must be at least 1");
    this.what = what;
    this.perUser = perUser;
    this.perAddress = perAddress;
  }

  /** The most one user may hold at once. */
  public int perUser() {
    return perUser;
  }

  /**
   * A lease for one more connection of {@code user} from {@code address}, or empty when either is at
   * its limit (nothing taken then).
   */
  public Optional<Lease> tryAcquire(String user, String address) {
    String u = "user:" + user;
    String a = "ip:" + (address == null ? "" : address);
    if (!take(u, perUser)) return Optional.empty();
    if (!take(a, perAddress)) {
      give(u);
      return Optional.empty();
    }
    return Optional.of(new Lease(u, a));
  }

  /** The message for a refused connection (answered with HTTP 429). */
  public String refusal() {
    return "too many open " + what + ": at most " + perUser + " per user and " + perAddress
        + " per address; close some and try again";
  }

  /** How many {@code user} holds now. */
  public int held(String user) {
    return open.getOrDefault("user:" + user, 0);
  }

  private boolean take(String key, int limit) {
    boolean[] taken = {false};
    open.compute(key, (k, n) -> {
      int now = n == null ? 0 : n;
      if (now >= limit) return n;
      taken[0] = true;
      return now + 1;
    });
    return taken[0];
  }

  private void give(String key) {
    open.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** One held connection; {@link #close()} gives it back (once, however often it is called). */
  public final class Lease implements AutoCloseable {
    private final String user;
    private final String address;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Lease(String user, String address) {
      this.user = user;
      this.address = address;
    }

    @Override
    public void close() {
      if (!closed.compareAndSet(false, true)) return;
      give(user);
      give(address);
    }
  }
}
