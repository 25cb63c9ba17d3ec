package dev.gpuhub.server;

import dev.gpuhub.testkit.LocalPostgres;
import dev.gpuhub.testkit.LocalRedis;
import java.util.HashMap;
import org.junit.jupiter.api.AfterEach;
import java.util.Map;

/**
 * The discovery flows against real PostgreSQL (schema by Flyway) and real Redis (TTL keys), both
 * started by the test on free loopback ports. Each test gets its own database.
 */
class PostgresRedisDiscoveryFlowIT extends DiscoveryFlowContract {
  private LocalRedis redis;

  @AfterEach
  void stopRedis() {
    if (redis != null) redis.close();
    redis = null;
  }

  @Override
  RunningServer start(Map<String, String> extra) {
    LocalPostgres pg = LocalPostgres.shared();
    if (redis != null) redis.close();
    redis = LocalRedis.start();
    String db = pg.createDatabase();
    Map<String, String> env = new HashMap<>(extra);
    env.putAll(pg.storeEnv(db));
    env.put("GPUHUB_LIVE", "redis");
    try { // the control plane's own files (cluster CA, secret key) stay out of the working tree
      env.put("GPUHUB_DATA_DIR", java.nio.file.Files.createTempDirectory("gpuhub-pg-flow-").toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    env.put("REDIS_HOST", redis.host());
    env.put("REDIS_PORT", Integer.toString(redis.port()));
    if (redis.password() != null) env.put("REDIS_PASSWORD", redis.password());
    return RunningServer.withEnv(env);
  }

  @Override
  String durableKind() {
    return "postgres";
  }
}
