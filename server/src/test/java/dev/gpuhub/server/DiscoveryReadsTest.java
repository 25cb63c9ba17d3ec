package dev.gpuhub.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The discovery API tells anonymous callers nothing about the cluster but whether it is healthy. */
class DiscoveryReadsTest {
  @TempDir Path dataDir;

  @Test
  void readsNeedTheClustersCredentialAndHealthTellsAnyoneOnlyItsStatus() throws Exception {
    try (RunningServer s = RunningServer.embedded(dataDir, Map.of())) {
      assertThat(s.post("/register-node", Payloads.heartbeat("node-1", 10, 20, 1, 0)).statusCode()).isEqualTo(200);
      s.flushWrites();
      for (String read : new String[] {"/available-nodes", "/all-nodes", "/jupyterhub-nodes", "/profiles",
          "/profiles/single-cpu", "/reservations", "/metrics"}) {
        HttpResponse<String> anonymous = s.getAnonymous(read);
        assertThat(anonymous.statusCode()).as("anonymous GET %s: %s", read, anonymous.body()).isEqualTo(401);
        assertThat(anonymous.body()).as(read).doesNotContain("node-1", "127.0.0.1", "single-cpu\"");
        assertThat(s.get(read).statusCode()).as("GET %s with the cluster's token", read).isEqualTo(200);
      }
      assertThat(s.get("/all-nodes").body()).contains("node-1");

      HttpResponse<String> health = s.getAnonymous("/health-check");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(RunningServer.json(health).fieldNames()).toIterable().containsExactly("status");
      assertThat(health.body()).doesNotContain(dataDir.toString());
      assertThat(RunningServer.json(s.get("/health-check")).has("database")).as("the operator sees the stores").isTrue();
      assertThat(s.getAnonymous("/livez").statusCode()).isEqualTo(200);

      // a hub admin's API token reads too (metrics for a monitoring system); an ordinary user's does not
      var accounts = s.plane.hub().auth().accounts();
      String admin = accounts.createToken(accounts.create("ops", "password-ops", true), "metrics", null).token();
      String student = accounts.createToken(accounts.create("stu", "password-stu", false), "x", null).token();
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      for (String[] who : new String[][] {{admin, "200"}, {student, "401"}}) {
        HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.url + "/metrics"))
            .header("Authorization", "token " + who[0]).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET /metrics with %s's token", who[0] == admin ? "an admin" : "a student")
            .isEqualTo(Integer.parseInt(who[1]));
      }
    }
  }
}
