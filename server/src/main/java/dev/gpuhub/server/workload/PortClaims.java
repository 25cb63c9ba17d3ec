package dev.gpuhub.server.workload;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The ports taken on each node address by the containers gpuhub starts (all use the host's
 * network). One registry for every workload kind, so a server, a kernel host and a service replica
 * on the same address never get the same port, whatever range each kind draws from. Thread-safe.
 */
public final class PortClaims {
  private final Set<String> claimed = new HashSet<>();

  /**
   * A port in {@code [min, max]} on {@code ip} nobody holds, now held by the caller until {@link #release}.
   *
   * @throws LaunchException when 1000 random draws found none free
   */
  public synchronized int claim(String ip, int min, int max) {
    for (int i = 0; i < 1000; i++) {
      int p = min + ThreadLocalRandom.current().nextInt(max - min + 1);
      if (claimed.add(key(ip, p))) return p;
    }
    throw new LaunchException("no free port left between " + min + " and " + max + " on " + ip);
  }

  /** Marks a port in use that a container adopted after a restart already listens on. */
  public synchronized void hold(String ip, int port) {
    claimed.add(key(ip, port));
  }

  public synchronized void release(String ip, int port) {
    claimed.remove(key(ip, port));
  }

  public synchronized boolean held(String ip, int port) {
    return claimed.contains(key(ip, port));
  }

  private static String key(String ip, int port) {
    return ip + ":" + port;
  }
}
