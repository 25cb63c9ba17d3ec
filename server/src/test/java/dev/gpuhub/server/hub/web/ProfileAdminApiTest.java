package dev.gpuhub.server.hub.web;

import static dev.gpuhub.server.hub.EmbeddedHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.server.hub.EmbeddedHubTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Profiles managed by hub admins: bad values name the field and store nothing; retiring keeps the profile. */
class ProfileAdminApiTest extends EmbeddedHubTest {
  @Test
  void adminsCreateChangeAndRetireProfiles() {
    String before = h.hub("GET", "/hub/api/profiles", root, null).body();
    for (String[] bad : new String[][] {
        {"{\"name\": \"burst\", \"cpu_guarantee\": 2, \"cpu_limit\": 1, \"mem_guarantee\": 1}", "cpu_limit"},
        {"{\"name\": \"burst\", \"cpu_guarantee\": -1, \"mem_guarantee\": 1}", "cpu_guarantee"},
        {"{\"name\": \"burst\", \"cpu_guarantee\": 1, \"mem_guarantee\": 1, \"gpu_count\": 9}", "gpu_count"},
        {"{\"name\": \"burst\", \"cpu_guarantee\": 1, \"mem_guarantee\": 1, \"groups\": [\"nobody\"]}", "groups"},
        {"{\"name\": \"Burst!\", \"cpu_guarantee\": 1, \"mem_guarantee\": 1}", "name"},
        {"{\"name\": \"burst\", \"mem_guarantee\": 1}", "cpu_guarantee"}}) {
      HttpResponse<String> r = h.hub("POST", "/hub/api/profiles", root, bad[0]);
      assertThat(r.statusCode()).as(bad[0]).isEqualTo(400);
      assertThat(json(r).path("error").asText()).as(bad[0]).contains(bad[1]);
    }
    assertThat(h.hub("GET", "/hub/api/profiles", root, null).body()).as("nothing stored").isEqualTo(before);
    // with nodes known, a profile asking for more GPUs on one node than any of them has is refused
    assertThat(h.discovery("POST", "/register-node", dev.gpuhub.server.Payloads.heartbeat("gpu-1", 10, 10, 2, 0))
        .statusCode()).isEqualTo(200);
    long deadline = System.nanoTime() + 10_000_000_000L; // heartbeats reach the durable store in batches
    while (h.plane.stores().repository().allNodes().isEmpty() && System.nanoTime() < deadline) Thread.onSpinWait();
    HttpResponse<String> tooMany = h.hub("POST", "/hub/api/profiles", root,
        "{\"name\": \"quad\", \"cpu_guarantee\": 1, \"mem_guarantee\": 1, \"gpu_count\": 4}");
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(json(tooMany).path("error").asText()).contains("gpu_count").contains("the most any node has is 2");
    assertThat(h.hub("POST", "/hub/api/profiles", root,
        "{\"name\": \"duo\", \"cpu_guarantee\": 1, \"mem_guarantee\": 1, \"gpu_count\": 2}").statusCode()).isEqualTo(201);
    assertThat(h.hub("POST", "/hub/api/profiles", bob, "{\"name\": \"mine\", \"cpu_guarantee\": 1, \"mem_guarantee\": 1}")
        .statusCode()).isEqualTo(403);

    HttpResponse<String> made = h.hub("POST", "/hub/api/profiles", root,
        "{\"name\": \"burst\", \"display_name\": \"Burst\", \"cpu_guarantee\": 0.25, \"cpu_limit\": 4, \"mem_guarantee\": 1}");
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    assertThat(h.hub("POST", "/hub/api/profiles", root, "{\"name\": \"burst\", \"cpu_guarantee\": 1, \"mem_guarantee\": 1}")
        .statusCode()).isEqualTo(409);
    HttpResponse<String> changed = h.hub("PATCH", "/hub/api/profiles/burst", root, "{\"mem_limit\": 3}");
    assertThat(json(changed).path("mem_limit").asDouble()).isEqualTo(3.0);
    assertThat(h.hub("PATCH", "/hub/api/profiles/burst", root, "{\"mem_limit\": 0.5}").statusCode()).isEqualTo(400);
    assertThat(h.hub("GET", "/hub/spawn", bob, null).body()).contains("Burst", "up to 4 cores (0.25 guaranteed)");
    assertThat(h.hub("GET", "/hub/admin", root, null).body()).contains("data-profile=\"burst\"", "id=\"profile-form\"");

    // retired: offered to nobody, no new starts, still listed for admins
    HttpResponse<String> retired = h.hub("DELETE", "/hub/api/profiles/burst", root, null);
    assertThat(json(retired).path("retired").asBoolean()).isTrue();
    assertThat(h.hub("GET", "/hub/spawn", bob, null).body()).doesNotContain("Burst");
    HttpResponse<String> refused = h.hub("POST", "/hub/api/users/bob/server", bob, "{\"profile\": \"burst\"}");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(json(refused).path("error").asText()).isEqualTo("profile 'burst' is retired: choose another one");
    assertThat(json(h.hub("GET", "/hub/api/profiles", root, null)).findValuesAsText("name")).contains("burst");
    assertThat(h.hub("PATCH", "/hub/api/profiles/burst", root, "{\"retired\": false}").statusCode()).isEqualTo(200);
    assertThat(h.hub("GET", "/hub/spawn", bob, null).body()).contains("Burst");
    assertThat(h.hub("DELETE", "/hub/api/profiles/none", root, null).statusCode()).isEqualTo(404);
  }
}
