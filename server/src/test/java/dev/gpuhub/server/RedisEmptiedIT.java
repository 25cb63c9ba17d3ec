package dev.gpuhub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.testkit.LocalPostgres;
import dev.gpuhub.testkit.LocalRedis;
import dev.gpuhub.wire.AgentAuth;
import dev.gpuhub.wire.WireJson;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis loses everything (a restart without persistence) while PostgreSQL is down, under two nodes
 * heartbeating every second (issue 18's worst case): heartbeats keep being answered at once, and
 * both nodes stay available throughout: the control plane heard them within the TTL, so an empty
 * Redis does not make them unavailable until their next heartbeat lands there.
 */
class RedisEmptiedIT {
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  @TempDir Path dir;
  private final String agentToken = AgentAuth.generateToken();

  @Test
  void nodesAreAvailableAgainWithinAHeartbeatAfterRedisLostEverythingWhilePostgresIsDown() throws Exception {
    try (LocalPostgres pg = LocalPostgres.start(); LocalRedis redis = LocalRedis.start()) {
      Map<String, String> env = new HashMap<>();
      env.put("GPUHUB_AGENT_TOKEN", agentToken);
      env.put("API_PORT", "0");
      env.put("HUB_PORT", "-1");
      env.put("GPUHUB_BIND", "127.0.0.1");
      env.put("GPUHUB_DATA_DIR", dir.toString());
      env.put("GPUHUB_SWEEP_SECONDS", "1");
      env.putAll(pg.storeEnv(pg.database()));
      env.put("GPUHUB_LIVE", "redis");
      env.put("REDIS_HOST", redis.host());
      env.put("REDIS_PORT", Integer.toString(redis.port()));
      env.put("REDIS_EXPIRE_SECONDS", "5");
      if (redis.password() != null) env.put("REDIS_PASSWORD", redis.password());
      RedisClient raw = RedisClient.create(RedisURI.create(redis.host(), redis.port()));
      try (ControlPlane plane = ControlPlane.start(ServerConfig.fromEnv(env), StoreConfig.fromEnv(env));
           var rawConnection = raw.connect()) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        List<Long> slowBeats = new CopyOnWriteArrayList<>();
        List<Integer> failedBeats = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread agents = new Thread(() -> {
          while (running.get()) {
            for (String node : List.of("node-1", "node-2")) {
              long t0 = System.nanoTime();
              try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(plane.discoveryUrl() + "/register-node"))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + agentToken)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Payloads.heartbeat(node, 10, 20, 0, 0))).build(),
                    HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) failedBeats.add(r.statusCode());
              } catch (Exception e) {
                System.out.println("RedisEmptiedIT: heartbeat failed: " + e);
                failedBeats.add(-1);
              }
              long ms = (System.nanoTime() - t0) / 1_000_000;
              if (ms > 500) slowBeats.add(ms);
            }
            try {
              Thread.sleep(INTERVAL.toMillis());
            } catch (InterruptedException e) {
              return;
            }
          }
        }, "simulated-agents");
        agents.start();
        try {
          try {
            awaitAvailable(http, plane, 2, Duration.ofSeconds(20));
          } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; heartbeats failed with " + failedBeats, e);
          }
          pg.halt();
          Thread.sleep(2000); // the outage is under way: writes fail, buffered heartbeats wait
          rawConnection.sync().flushall();
          // for 8 s, how long at a stretch were fewer than both nodes available?
          long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
          long missingSince = -1;
          double longest = 0;
          int samples = 0;
          int missingSamples = 0;
          while (System.nanoTime() < end) {
            boolean both = available(http, plane) == 2;
            samples++;
            if (!both) missingSamples++;
            long now = System.nanoTime();
            if (!both && missingSince < 0) missingSince = now;
            if (missingSince >= 0) longest = Math.max(longest, (now - missingSince) / 1e9);
            if (both) missingSince = -1;
            Thread.sleep(50);
          }
          System.out.printf("RedisEmptiedIT: after Redis lost everything (PostgreSQL down, heartbeats every %d s) a node"
              + " was missing in %d of %d samples over 8 s, for at most %.2f s at a stretch; slow heartbeats %s ms, failed %s%n",
              INTERVAL.toSeconds(), missingSamples, samples, longest, slowBeats, failedBeats);
          assertThat(missingSamples).as("samples (every 50 ms) with a node missing; longest stretch %.2f s", longest).isZero();
          assertThat(available(http, plane)).isEqualTo(2);
          assertThat(failedBeats).as("heartbeats refused during the outage").isEmpty();
          assertThat(slowBeats).as("heartbeats slower than 500 ms").isEmpty();
          pg.resume();
          Thread.sleep(2000);
          assertThat(available(http, plane)).isEqualTo(2);
        } finally {
          running.set(false);
          agents.interrupt();
          agents.join(5000);
        }
      } finally {
        raw.shutdown();
      }
    }
  }

  private int available(HttpClient http, ControlPlane plane) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(plane.discoveryUrl() + "/available-nodes?count=1"))
        .header("Authorization", "Bearer " + agentToken).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new AssertionError("/available-nodes: " + r.statusCode() + " " + r.body());
    return WireJson.mapper().readTree(r.body()).path("total_available_nodes").asInt();
  }

  private void awaitAvailable(HttpClient http, ControlPlane plane, int count, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    int last = -1;
    while (System.nanoTime() < deadline) {
      last = available(http, plane);
      if (last == count) return;
      Thread.sleep(100);
    }
    throw new AssertionError(count + " nodes never became available within " + limit.toSeconds() + " s (last " + last + ")");
  }
}
