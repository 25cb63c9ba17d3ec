package dev.gpuhub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.testkit.LocalPostgres;
import dev.gpuhub.wire.AgentAuth;
import dev.gpuhub.wire.WireJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real PostgreSQL stopped under a running control plane: {@code /health-check} keeps answering
 * within 1 s, says the database is down (and when it last took a write), and says it is back soon
 * after PostgreSQL returns; heartbeats that arrive during the outage are kept and written when it
 * ends, none lost.
 */
class PostgresOutageIT {
  @TempDir Path dir;

  @Test
  void healthCheckAnswersWithinASecondWhileThePostgresDatabaseIsDown() throws Exception {
    try (LocalPostgres pg = LocalPostgres.start()) {
      String agentToken = AgentAuth.generateToken();
      Map<String, String> env = new HashMap<>();
      env.put("GPUHUB_AGENT_TOKEN", agentToken);
      env.put("API_PORT", "0");
      env.put("HUB_PORT", "0");
      env.put("GPUHUB_BIND", "127.0.0.1");
      env.put("GPUHUB_DATA_DIR", dir.toString());
      env.putAll(pg.storeEnv(pg.database()));
      env.put("GPUHUB_METRICS_RESOLUTION_MS", "0"); // every heartbeat is a row: each one lost would show
      try (ControlPlane plane = ControlPlane.start(ServerConfig.fromEnv(env), StoreConfig.fromEnv(env))) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String url = plane.discoveryUrl() + "/health-check";
        // a heartbeat, so there is a write to report
        assertThat(beat(http, plane, agentToken).statusCode()).isEqualTo(200);
        int beats = 1;
        JsonNode up = awaitHealth(http, url, agentToken, true);
        assertThat(up.path("database").path("kind").asText()).isEqualTo("postgres");
        long written = System.nanoTime() + Duration.ofSeconds(20).toNanos(); // heartbeats are written in batches
        while (!up.path("database").path("last_write").isTextual() && System.nanoTime() < written) {
          Thread.sleep(200);
          up = WireJson.mapper().readTree(get(http, url, agentToken).body());
        }
        String lastWrite = up.path("database").path("last_write").asText();
        assertThat(up.path("database").path("last_write").isTextual()).as("the heartbeat's write: %s", up).isTrue();

        pg.halt();
        List<Double> ms = new ArrayList<>();
        JsonNode down = null;
        for (int i = 0; i < 10; i++) {
          long t0 = System.nanoTime();
          HttpResponse<String> r = get(http, url, agentToken);
          ms.add((System.nanoTime() - t0) / 1e6);
          down = WireJson.mapper().readTree(r.body());
          assertThat(beat(http, plane, agentToken).statusCode()).as("a heartbeat during the outage").isEqualTo(200);
          beats++;
          Thread.sleep(500);
        }
        System.out.printf("PostgresOutageIT: 10 health checks while PostgreSQL was down took %s ms; last: %s%n", ms, down);
        assertThat(ms).as("ms per /health-check during the outage").allMatch(t -> t < 1000);
        assertThat(down.path("status").asText()).isEqualTo("degraded");
        assertThat(down.path("database").path("ok").asBoolean()).isFalse();
        assertThat(down.path("database").path("last_write").asText()).as("the last write before the outage")
            .isEqualTo(lastWrite);
        assertThat(down.path("live_state").path("ok").asBoolean()).isTrue();

        pg.resume();
        long back = System.nanoTime();
        awaitHealth(http, url, agentToken, true);
        System.out.printf("PostgresOutageIT: healthy again %.1f s after PostgreSQL returned%n", (System.nanoTime() - back) / 1e9);
        assertThat(down.path("database").path("heartbeats_buffered").asLong()).as("kept while the database was down")
            .isPositive();
        long drained = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode after = awaitHealth(http, url, agentToken, true);
        while (after.path("database").path("heartbeats_buffered").asLong() > 0 && System.nanoTime() < drained) {
          Thread.sleep(200);
          after = WireJson.mapper().readTree(get(http, url, agentToken).body());
        }
        int rows = plane.stores().repository().recentMetrics("node-1", 1000).size();
        System.out.printf("PostgresOutageIT: %d heartbeats sent, %d rows stored, %d lost; %s%n", beats, rows,
            after.path("database").path("heartbeats_lost").asLong(), after.path("database"));
        assertThat(after.path("database").path("heartbeats_buffered").asLong()).isZero();
        assertThat(after.path("database").path("heartbeats_lost").asLong()).isZero();
        assertThat(rows).as("every heartbeat, the outage's included, is a stored row").isEqualTo(beats);
      }
    }
  }

  private static HttpResponse<String> beat(HttpClient http, ControlPlane plane, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(plane.discoveryUrl() + "/register-node")).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Payloads.heartbeat("node-1", 10, 20, 0, 0)
            .replace("2026-11-22T10:00:00Z", java.time.Instant.now().toString()))).build(), // kept: not older than retention
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(HttpClient http, String url, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode awaitHealth(HttpClient http, String url, String token, boolean ok) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = WireJson.mapper().readTree(get(http, url, token).body());
      if (last.path("database").path("ok").asBoolean() == ok) return last;
      Thread.sleep(200);
    }
    throw new AssertionError("the database never reported ok=" + ok + ": " + last);
  }
}
