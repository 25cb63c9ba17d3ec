package dev.gpuhub.store.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.store.NodeLiveState;
import dev.gpuhub.store.StoreException;
import dev.gpuhub.store.StoreHealth;
import dev.gpuhub.wire.WireJson;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link NodeLiveState} in Redis, with the seed's keys: {@code node:{hostname}:info} (the report as
 * wire JSON) and {@code node:{hostname}:ip}, both set with {@code EX ttlSeconds}, plus the set
 * {@code nodes:known} of every hostname ever put, used to enumerate without KEYS/SCAN. Several
 * servers may share one Redis. Redis failures surface as {@link StoreException}.
 */
public final class RedisNodeLiveState implements NodeLiveState {
  /** Set of every hostname ever put; members whose info key expired are skipped on read. */
  public static final String KNOWN_NODES_KEY = "nodes:known";
  /** How long one command (and the initial connect) may take before it fails. */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
  /**
   * Longest pause between two attempts to reconnect to a Redis that went away: a Redis back after
   * a restart is used again within this (Lettuce's default grows to 30 s, far longer than a heartbeat).
   */
  static final Duration RECONNECT_DELAY_MAX = Duration.ofMillis(500);
  /** How long {@link #health()} waits for PONG. */
  static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);

  private final RedisClient client;
  private final ClientResources resources;
  private final StatefulRedisConnection<String, String> connection;
  private final String address;
  private final long ttlSeconds;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisNodeLiveState(RedisClient client, ClientResources resources, StatefulRedisConnection<String, String> connection,
      String address, long ttlSeconds) {
    this.client = client;
    this.resources = resources;
    this.connection = connection;
    this.address = address;
    this.ttlSeconds = ttlSeconds;
  }

  /**
   * Connects and checks with PING; {@code password} may be null. Fails fast with
   * "cannot reach Redis at host:port: ..." when the server is down or refuses the password.
   */
  public static RedisNodeLiveState connect(String host, int port, String password, long ttlSeconds) {
    if (ttlSeconds < 1) throw new IllegalArgumentException("ttlSeconds must be >= 1, was " + ttlSeconds);
    RedisURI.Builder uri = RedisURI.builder().withHost(host).withPort(port).withTimeout(COMMAND_TIMEOUT);
    if (password != null) uri.withPassword(password.toCharArray());
    ClientResources resources = DefaultClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), RECONNECT_DELAY_MAX, 2, TimeUnit.MILLISECONDS)).build();
    RedisClient client = RedisClient.create(resources, uri.build());
    // while the connection is down a command fails at once instead of waiting in a queue for
    // COMMAND_TIMEOUT: a heartbeat then stalls nobody, and the node stays known to this process
    client.setOptions(ClientOptions.builder().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
    try {
      StatefulRedisConnection<String, String> connection = client.connect();
      connection.sync().ping();
      return new RedisNodeLiveState(client, resources, connection, host + ":" + port, ttlSeconds);
    } catch (RuntimeException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
      resources.shutdown(0, 1, TimeUnit.SECONDS);
      throw new StoreException("cannot reach Redis at " + host + ":" + port + ": " + rootMessage(e)
          + " (check REDIS_HOST, REDIS_PORT, REDIS_PASSWORD)", e);
    }
  }

  /** Key of a node's report JSON. */
  public static String infoKey(String hostname) {
    return "node:" + hostname + ":info";
  }

  /** Key of a node's ip. */
  public static String ipKey(String hostname) {
    return "node:" + hostname + ":ip";
  }

  /**
   * Writes both keys and the set membership in one pipelined round trip. The membership is written
   * every time (it costs no extra round trip): a Redis that restarted empty lists the node again at
   * its first heartbeat, not minutes later.
   */
  @Override
  public void put(NodeReport report) {
    String json = toJson(report);
    SetArgs ex = SetArgs.Builder.ex(ttlSeconds);
    RedisAsyncCommands<String, String> async = connection.async();
    List<RedisFuture<?>> writes = List.of(
        async.set(infoKey(report.hostname()), json, ex),
        async.set(ipKey(report.hostname()), report.ip(), ex),
        async.sadd(KNOWN_NODES_KEY, report.hostname()));
    try {
      if (!LettuceFutures.awaitAll(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS,
          writes.toArray(new RedisFuture<?>[0]))) {
        throw new StoreException("cannot store live state of '" + report.hostname() + "' in Redis at "
            + address + ": timed out after " + COMMAND_TIMEOUT.toMillis() + " ms", null);
      }
    } catch (StoreException e) {
      throw e;
    } catch (RuntimeException e) {
      throw failure("store live state of '" + report.hostname() + "'", e);
    }
  }

  @Override
  public Optional<NodeReport> get(String hostname) {
    try {
      return Optional.ofNullable(connection.sync().get(infoKey(hostname))).map(this::fromJson);
    } catch (StoreException e) {
      throw e;
    } catch (RuntimeException e) {
      throw failure("read live state of '" + hostname + "'", e);
    }
  }

  @Override
  public List<NodeReport> all() {
    try {
      RedisCommands<String, String> sync = connection.sync();
      String[] keys = sync.smembers(KNOWN_NODES_KEY).stream()
          .map(RedisNodeLiveState::infoKey).toArray(String[]::new);
      List<NodeReport> reports = new ArrayList<>(keys.length);
      if (keys.length == 0) return reports;
      for (KeyValue<String, String> kv : sync.mget(keys)) {
        if (kv.hasValue()) reports.add(fromJson(kv.getValue()));
      }
      return reports;
    } catch (StoreException e) {
      throw e;
    } catch (RuntimeException e) {
      throw failure("list live node states", e);
    }
  }

  @Override
  public Duration ttl() {
    return Duration.ofSeconds(ttlSeconds);
  }

  @Override
  public StoreHealth health() {
    try {
      String pong = connection.async().ping().get(HEALTH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return new StoreHealth("redis", "PONG".equals(pong), address);
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      return new StoreHealth("redis", false, address + ": " + rootMessage(e));
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  private static String toJson(NodeReport report) {
    try {
      return WireJson.mapper().writeValueAsString(report);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot write live state of '" + report.hostname() + "' as JSON", e);
    }
  }

  private NodeReport fromJson(String json) {
    try {
      return WireJson.mapper().readValue(json, NodeReport.class);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot read a live node state from Redis at " + address + ": "
          + e.getOriginalMessage(), e);
    }
  }

  private StoreException failure(String what, RuntimeException e) {
    return new StoreException("cannot " + what + " in Redis at " + address + ": " + rootMessage(e), e);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root.getMessage() != null ? root.getMessage() : root.toString();
  }
}
