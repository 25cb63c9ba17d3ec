package dev.gpuhub.broker;

import dev.gpuhub.core.balance.BackoffPolicy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The broker of seed 004.
 *
 * @param bindHost       address to listen on (127.0.0.1)
 * @param port           port to listen on (the seed's 8000; 0 = any free port)
 * @param workers        worker addresses in round-robin order (the seed's 127.0.0.1:9002-9004)
 * @param connectTimeout how long connecting to a worker may take before it counts as down (1 s)
 * @param replyTimeout   how long a worker may take to answer before it counts as down (60 s)
 * @param requestTimeout how long a client may take to send its request (10 s)
 * @param maxClients     clients served at once, one thread each (256)
 * @param maxQueued      clients that may wait for a thread (1024); beyond that: {@code ERROR: broker busy}
 * @param backoff        how long a worker that failed is skipped (1 s, doubling to 30 s)
 * @param log            seed-style log lines ({@code [Broker] ...}), or null for none
 */
public record BrokerConfig(String bindHost, int port, List<InetSocketAddress> workers, Duration connectTimeout,
                           Duration replyTimeout, Duration requestTimeout, int maxClients, int maxQueued,
                           BackoffPolicy backoff, Consumer<String> log) {

  /** The seed's broker port. */
  public static final int DEFAULT_PORT = 8000;
  /** The seed's workers 1-3. */
  public static final String DEFAULT_WORKERS = "127.0.0.1:9002,127.0.0.1:9003,127.0.0.1:9004";

  public BrokerConfig {
    Objects.requireNonNull(bindHost, "bindHost");
    workers = List.copyOf(workers);
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(replyTimeout, "replyTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(backoff, "backoff");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0-65535, was " + port);
    if (workers.isEmpty()) throw new IllegalArgumentException("at least one worker is needed");
    if (new LinkedHashSet<>(workers.stream().map(BrokerConfig::id).toList()).size() != workers.size()) {
      throw new IllegalArgumentException("a worker is listed twice: " + workers.stream().map(BrokerConfig::id).toList());
    }
    if (maxClients < 1) throw new IllegalArgumentException("max clients must be at least 1, was " + maxClients);
    if (maxQueued < 0) throw new IllegalArgumentException("max queued clients must not be negative, was " + maxQueued);
  }

  /** The seed's setup: port 8000, workers 127.0.0.1:9002-9004, on 127.0.0.1, silent. */
  public static BrokerConfig defaults() {
    return of(parseWorkers(DEFAULT_WORKERS));
  }

  /** Default settings on 127.0.0.1:8000 with these workers. */
  public static BrokerConfig of(List<InetSocketAddress> workers) {
    return new BrokerConfig("127.0.0.1", DEFAULT_PORT, workers, Duration.ofSeconds(1), Duration.ofSeconds(60),
        Duration.ofSeconds(10), 256, 1024, BackoffPolicy.DEFAULT, null);
  }

  /**
   * {@code host:port,host:port,...}; a bare {@code port} means 127.0.0.1; IPv6 as {@code [::1]:9002}.
   *
   * @throws IllegalArgumentException naming the entry that is wrong
   */
  public static List<InetSocketAddress> parseWorkers(String csv) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String raw : csv.split(",")) {
      String entry = raw.strip();
      if (entry.isEmpty()) continue;
      String host = "127.0.0.1";
      String port = entry;
      int colon = entry.lastIndexOf(':');
      if (colon >= 0) {
        host = entry.substring(0, colon);
        port = entry.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        if (host.isEmpty()) throw new IllegalArgumentException("worker '" + entry + "' has no host; use host:port");
      }
      int p;
      try {
        p = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("worker '" + entry + "' has no valid port; use host:port, e.g. 127.0.0.1:9002");
      }
      if (p < 1 || p > 65535) throw new IllegalArgumentException("worker '" + entry + "': port must be 1-65535");
      out.add(new InetSocketAddress(host, p));
    }
    if (out.isEmpty()) throw new IllegalArgumentException("no worker given; use host:port,host:port,...");
    return out;
  }

  /** A worker's id in the balancing pool and in messages: {@code host:port} as given. */
  public static String id(InetSocketAddress worker) {
    String host = worker.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + worker.getPort();
  }

  public BrokerConfig withBindHost(String v) {
    return new BrokerConfig(v, port, workers, connectTimeout, replyTimeout, requestTimeout, maxClients, maxQueued, backoff, log);
  }

  public BrokerConfig withPort(int v) {
    return new BrokerConfig(bindHost, v, workers, connectTimeout, replyTimeout, requestTimeout, maxClients, maxQueued, backoff, log);
  }

  public BrokerConfig withWorkers(List<InetSocketAddress> v) {
    return new BrokerConfig(bindHost, port, v, connectTimeout, replyTimeout, requestTimeout, maxClients, maxQueued, backoff, log);
  }

  public BrokerConfig withConnectTimeout(Duration v) {
    return new BrokerConfig(bindHost, port, workers, v, replyTimeout, requestTimeout, maxClients, maxQueued, backoff, log);
  }

  public BrokerConfig withReplyTimeout(Duration v) {
    return new BrokerConfig(bindHost, port, workers, connectTimeout, v, requestTimeout, maxClients, maxQueued, backoff, log);
  }

  public BrokerConfig withRequestTimeout(Duration v) {
    return new BrokerConfig(bindHost, port, workers, connectTimeout, replyTimeout, v, maxClients, maxQueued, backoff, log);
  }

  public BrokerConfig withMaxClients(int v) {
    return new BrokerConfig(bindHost, port, workers, connectTimeout, replyTimeout, requestTimeout, v, maxQueued, backoff, log);
  }

  public BrokerConfig withMaxQueued(int v) {
    return new BrokerConfig(bindHost, port, workers, connectTimeout, replyTimeout, requestTimeout, maxClients, v, backoff, log);
  }

  public BrokerConfig withBackoff(BackoffPolicy v) {
    return new BrokerConfig(bindHost, port, workers, connectTimeout, replyTimeout, requestTimeout, maxClients, maxQueued, v, log);
  }

  public BrokerConfig withLog(Consumer<String> v) {
    return new BrokerConfig(bindHost, port, workers, connectTimeout, replyTimeout, requestTimeout, maxClients, maxQueued, backoff, v);
  }
}
