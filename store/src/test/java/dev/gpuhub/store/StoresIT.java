package dev.gpuhub.store;

import static dev.gpuhub.store.TestData.T0;
import static dev.gpuhub.store.TestData.heartbeat;
import static dev.gpuhub.store.TestData.report;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.store.redis.RedisNodeLiveState;
import dev.gpuhub.testkit.LocalPostgres;
import dev.gpuhub.testkit.LocalRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The production configuration (PostgreSQL + Redis) opened from environment variables. */
class StoresIT {

  @Test
  void postgresAndRedisFromTheEnvironment() throws InterruptedException {
    LocalPostgres pg = LocalPostgres.shared();
    String database = pg.createDatabase();
    try (LocalRedis redis = LocalRedis.start("redis-pass")) {
      StoreConfig config = StoreConfig.fromEnv(Map.ofEntries(
          Map.entry("GPUHUB_STORE", "postgres"), Map.entry("GPUHUB_LIVE", "redis"),
          Map.entry("POSTGRES_HOST", pg.host()), Map.entry("POSTGRES_PORT", String.valueOf(pg.port())),
          Map.entry("POSTGRES_DB", database), Map.entry("POSTGRES_USER", pg.user()),
          Map.entry("POSTGRES_PASSWORD", pg.password()), Map.entry("REDIS_HOST", redis.host()),
          Map.entry("REDIS_PORT", String.valueOf(redis.port())),
          Map.entry("REDIS_PASSWORD", redis.password()), Map.entry("REDIS_EXPIRE_SECONDS", "30")));
      assertThat(config.describe()).doesNotContain(pg.password()).doesNotContain("redis-pass");

      try (Stores stores = Stores.open(config);
          BatchingHeartbeatWriter writer = new BatchingHeartbeatWriter(stores.repository())) {
        assertThat(stores.live()).isInstanceOf(RedisNodeLiveState.class);
        assertThat(stores.live().ttl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(stores.repository().health().kind()).isEqualTo("postgres");
        assertThat(stores.live().health().ok()).isTrue();

        for (int i = 0; i < 1_000; i++) writer.submit(heartbeat("node-" + (i % 100), T0.plusSeconds(i)));
        assertThat(writer.flush(Duration.ofSeconds(20))).isTrue();
        assertThat(writer.failedHeartbeats()).isZero();
        assertThat(stores.repository().allNodes()).hasSize(100);
        assertThat(stores.repository().recentMetrics("node-7", 100)).hasSize(10);

        stores.live().put(report("node-7"));
        assertThat(stores.live().get("node-7")).isPresent();
        stores.hub().createUser("alice", null, false);
        assertThat(stores.hub().findUser("alice")).isPresent();
      }
    }
  }
}
