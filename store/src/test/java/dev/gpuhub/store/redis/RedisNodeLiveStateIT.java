package dev.gpuhub.store.redis;

import static dev.gpuhub.store.TestData.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.store.NodeLiveState;
import dev.gpuhub.store.NodeLiveStateContract;
import dev.gpuhub.store.StoreException;
import dev.gpuhub.store.StoreHealth;
import dev.gpuhub.testkit.FreePorts;
import dev.gpuhub.testkit.LocalRedis;
import dev.gpuhub.wire.WireJson;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The live-state contract against a real redis-server, plus the seed's key layout. */
class RedisNodeLiveStateIT extends NodeLiveStateContract {
  private static LocalRedis redis;
  private static RedisClient rawClient;
  private static RedisCommands<String, String> raw;

  @BeforeAll
  static void startRedis() {
    redis = LocalRedis.shared();
    rawClient = RedisClient.create(RedisURI.create(redis.host(), redis.port()));
    StatefulRedisConnection<String, String> connection = rawClient.connect();
    raw = connection.sync();
  }

  @AfterAll
  static void stopRawClient() {
    rawClient.shutdown();
  }

  @BeforeEach
  void emptyRedis() {
    raw.flushall();
  }

  @Override
  protected NodeLiveState open(Duration ttl) {
    return RedisNodeLiveState.connect(redis.host(), redis.port(), null, ttl.toSeconds());
  }

  @Override
  protected void advance(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  @Test
  void aNodeIsListedAgainAtItsFirstHeartbeatAfterRedisLostEverything() throws Exception {
    try (NodeLiveState live = open(Duration.ofSeconds(30))) {
      live.put(report("node-a"));
      live.put(report("node-b"));
      assertThat(live.all()).hasSize(2);
      raw.flushall(); // as a Redis restarted without persistence
      assertThat(live.all()).isEmpty();
      live.put(report("node-a"));
      assertThat(live.all()).extracting(NodeReport::hostname).as("one heartbeat brings a node back").containsExactly("node-a");
    }
  }

  @Test
  void writesTheSeedKeysWithATtl() throws Exception {
    NodeReport h1 = report("h1");
    live.put(h1);
    assertThat(raw.get("node:h1:ip")).isEqualTo(h1.ip());
    assertThat(WireJson.mapper().readValue(raw.get("node:h1:info"), NodeReport.class)).isEqualTo(h1);
    assertThat(raw.get("node:h1:info")).contains("\"cpu_usage_percent\":30.0");
    assertThat(raw.pttl("node:h1:info")).isBetween(1L, 1_000L);
    assertThat(raw.pttl("node:h1:ip")).isBetween(1L, 1_000L);
    assertThat(raw.smembers("nodes:known")).containsExactly("h1");
  }

  @Test
  void allSkipsKnownHostnamesWhoseStateExpired() {
    live.put(report("h1"));
    raw.del("node:h1:info"); // as if it had expired
    live.put(report("h2"));
    assertThat(raw.smembers("nodes:known")).containsExactlyInAnyOrder("h1", "h2");
    assertThat(live.all()).extracting(NodeReport::hostname).containsExactly("h2");
  }

  @Test
  void healthSaysRedisAndWhere() {
    assertThat(live.health()).isEqualTo(
        new StoreHealth("redis", true, redis.host() + ":" + redis.port()));
  }

  @Test
  void failsFastWhenNothingListens() {
    int port = FreePorts.pick();
    assertThatThrownBy(() -> RedisNodeLiveState.connect("127.0.0.1", port, null, 45))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot reach Redis at 127.0.0.1:" + port + ": ")
        .hasMessageContaining("REDIS_HOST");
  }

  @Test
  void usesThePasswordAndRejectsAWrongOne() {
    try (LocalRedis secured = LocalRedis.start("s3cret-pass")) {
      try (NodeLiveState withPassword =
          RedisNodeLiveState.connect(secured.host(), secured.port(), "s3cret-pass", 45)) {
        withPassword.put(report("h1"));
        assertThat(withPassword.get("h1")).isPresent();
      }
      assertThatThrownBy(() -> RedisNodeLiveState.connect(secured.host(), secured.port(), "wrong", 45))
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith("cannot reach Redis at 127.0.0.1:" + secured.port());
      assertThatThrownBy(() -> RedisNodeLiveState.connect(secured.host(), secured.port(), null, 45))
          .isInstanceOf(StoreException.class).hasMessageContaining("NOAUTH");
    }
  }

  @Test
  void healthTurnsFalseWhenRedisGoesAway() {
    LocalRedis own = LocalRedis.start();
    try (NodeLiveState state = RedisNodeLiveState.connect(own.host(), own.port(), null, 45)) {
      assertThat(state.health().ok()).isTrue();
      own.close();
      StoreHealth health = state.health();
      assertThat(health.ok()).isFalse();
      assertThat(health.detail()).startsWith(own.host() + ":" + own.port() + ": ");
    } finally {
      own.close();
    }
  }

  /**
   * While Redis is away a write fails at once (it does not wait in a queue for the command
   * timeout); after ten seconds without Redis, the connection is back within 1.5 s of Redis
   * returning (Lettuce's default back-off had grown to 8 s by then, so the first write waited that long).
   */
  @Test
  void aWriteFailsAtOnceWhileRedisIsAwayAndRedisBackIsUsedAgainPromptly() throws Exception {
    LocalRedis own = LocalRedis.start();
    try (NodeLiveState state = RedisNodeLiveState.connect(own.host(), own.port(), null, 45)) {
      state.put(report("before"));
      own.halt();
      Thread.sleep(200); // the client saw the connection close
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> state.put(report("during"))).isInstanceOf(StoreException.class);
      assertThat((System.nanoTime() - t0) / 1e9).as("seconds a write waited while Redis was away").isLessThan(0.5);
      long outageEnd = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < outageEnd) {
        assertThat(state.health().ok()).isFalse();
        Thread.sleep(500);
      }
      own.resume();
      long back = System.nanoTime();
      while (!state.health().ok()) {
        assertThat(System.nanoTime() - back).as("nanoseconds until Redis answered again").isLessThan(Duration.ofSeconds(5).toNanos());
        Thread.sleep(50);
      }
      double seconds = (System.nanoTime() - back) / 1e9;
      state.put(report("after"));
      System.out.printf("RedisNodeLiveStateIT: Redis used again %.2f s after it came back from a 10 s outage%n", seconds);
      assertThat(seconds).as("seconds until the connection was back").isLessThan(1.5);
      assertThat(state.get("after")).isPresent();
    } finally {
      own.close();
    }
  }
}
