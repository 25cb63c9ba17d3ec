package dev.gpuhub.app.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.server.workload.Homes;
import dev.gpuhub.wire.WireJson;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soft home quota on a real dockerd: a home near the limit is warned about (home page API and
 * progress), and once it is past the limit and its grace the next server is refused with the size
 * and the limit, and nothing starts.
 */
class HomeQuotaIT {
  @TempDir Path dir;

  @Test
  void aHomeNearItsQuotaIsWarnedAboutAndPastItsGraceNoServerStarts() throws Exception {
    String user = "quinn";
    try (HubFixture hub = new HubFixture(dir, Map.of("GPUHUB_HOME_QUOTA_GB", "0.001", "GPUHUB_HOME_QUOTA_GRACE_PERCENT", "10"))) {
      try {
        HubClient quinn = hub.userWithServer(user);
        long start = home(quinn, user).path("used_bytes").asLong();
        assertThat(home(quinn, user).path("quota_bytes").asLong()).isEqualTo(1_000_000);
        write(quinn, user, "data-1.bin", (int) (930_000 - start));
        JsonNode near = home(quinn, user);
        assertThat(near.path("quota_state").asText()).as(near.toString()).isEqualTo("warning");
        assertThat(near.path("quota_message").asText()).matches("Your home uses 9\\d\\d\\.\\d kB of your 1\\.0 MB quota \\(9\\d %\\): .*");
        assertThat(quinn.get("/hub/home").body()).contains("Your files").contains("home-usage");
        assertThat(quinn.api("DELETE", "/hub/api/users/" + user + "/server", null).statusCode()).isEqualTo(204);
        assertThat(quinn.form("/hub/spawn", Map.of("profile", "single-cpu", "image", hub.image)).statusCode()).isEqualTo(302);
        assertThat(HubEndToEndIT.followProgress(quinn, user).path("ready").asBoolean()).as("warned, yet started").isTrue();
        assertThat(hub.plane.hub().spawner().server(user).orElseThrow().progress().events().toString())
            .contains("delete files you no longer need before it is full");

        write(quinn, user, "data-2.bin", 250_000);
        JsonNode past = home(quinn, user);
        assertThat(past.path("quota_state").asText()).as(past.toString()).isEqualTo("refused");
        assertThat(quinn.api("DELETE", "/hub/api/users/" + user + "/server", null).statusCode()).isEqualTo(204);
        assertThat(quinn.form("/hub/spawn", Map.of("profile", "single-cpu", "image", hub.image)).statusCode()).isEqualTo(302);
        JsonNode refused = HubEndToEndIT.followProgress(quinn, user);
        assertThat(refused.path("failed").asBoolean()).as(refused.toString()).isTrue();
        assertThat(refused.path("message").asText()).contains("Your home uses 1.2 MB of your 1.0 MB quota")
            .contains("more than the quota and its 10 % grace (1.1 MB), so no server starts");
        assertThat(hub.serverContainers()).doesNotContain("gpuhub-" + user);
        System.out.println("HomeQuotaIT: " + refused.path("message").asText());
      } finally {
        hub.dockerd.docker("rm", "-f", "gpuhub-" + user);
        hub.dockerd.docker("volume", "rm", "-f", Homes.volumeOf(user));
      }
    }
  }

  private static JsonNode home(HubClient client, String user) throws Exception {
    HttpResponse<String> r = client.getJson("/hub/api/users/" + user + "/home");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return WireJson.mapper().readTree(r.body());
  }

  private static void write(HubClient client, String user, String name, int bytes) {
    byte[] content = new byte[bytes];
    new java.util.Random(7).nextBytes(content);
    HttpResponse<String> saved = client.api("PUT", "/user/" + user + "/api/contents/" + name,
        "{\"type\": \"file\", \"format\": \"base64\", \"content\": \"" + Base64.getEncoder().encodeToString(content) + "\"}");
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);
  }
}
