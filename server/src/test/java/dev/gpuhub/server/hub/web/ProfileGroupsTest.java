package dev.gpuhub.server.hub.web;

import static dev.gpuhub.server.hub.EmbeddedHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.server.hub.EmbeddedHubTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * A profile limited to a group: absent from a non-member's form and refused by the API (403 with
 * the reason); a member sees it and may start it; a profile cannot name a group that does not exist.
 */
class ProfileGroupsTest extends EmbeddedHubTest {
  private HttpResponse<String> hub(String method, String path, String token, String body) {
    return h.hub(method, path, token, body);
  }

  private HttpResponse<String> discovery(String method, String path, String body) {
    return h.discovery(method, path, body);
  }

  @Test
  void aProfileForAGroupIsOnlyItsMembers() {
    // a profile cannot name a group that does not exist; nothing is stored
    String body = "{\"name\": \"gpu-lab\", \"display_name\": \"GPU lab\", \"cpu_guarantee\": 1, \"mem_guarantee\": 1,"
        + " \"groups\": [\"gpu-users\"]}";
    HttpResponse<String> unknown = discovery("POST", "/profiles", body);
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(json(unknown).path("field").asText()).isEqualTo("groups");
    assertThat(json(unknown).path("error").asText()).contains("'gpu-users', which does not exist");
    assertThat(discovery("GET", "/profiles/gpu-lab", null).statusCode()).isEqualTo(404);

    assertThat(hub("POST", "/hub/api/groups/gpu-users", root, "{\"users\": [\"alice\"]}").statusCode()).isEqualTo(201);
    HttpResponse<String> made = discovery("POST", "/profiles", body);
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    assertThat(json(made).path("groups").toString()).isEqualTo("[\"gpu-users\"]");

    // bob, not a member: not in his form, refused by the API and by the form's node preview, with the reason
    assertThat(hub("GET", "/hub/spawn", bob, null).body()).contains("Single CPU").doesNotContain("GPU lab");
    HttpResponse<String> refused = hub("POST", "/hub/api/users/bob/server", bob, "{\"profile\": \"gpu-lab\"}");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(json(refused).path("error").asText())
        .isEqualTo("profile 'gpu-lab' is for the members of gpu-users; bob is in none of them (an administrator can add you)");
    assertThat(hub("GET", "/hub/api/nodes?profile=gpu-lab", bob, null).statusCode()).isEqualTo(403);
    assertThat(h.plane.hub().spawner().server("bob")).isEmpty();

    // alice, a member: in her form, and her start is taken
    assertThat(hub("GET", "/hub/spawn", alice, null).body()).contains("GPU lab");
    assertThat(hub("GET", "/hub/api/nodes?profile=gpu-lab", alice, null).statusCode()).isEqualTo(200);
    assertThat(hub("POST", "/hub/api/users/alice/server", alice, "{\"profile\": \"gpu-lab\"}").statusCode()).isEqualTo(202);

    // once bob joins, he may; an empty list opens the profile to everyone
    hub("POST", "/hub/api/groups/gpu-users/users", root, "{\"users\": [\"bob\"]}");
    assertThat(hub("GET", "/hub/spawn", bob, null).body()).contains("GPU lab");
    assertThat(discovery("PUT", "/profiles/gpu-lab", "{\"groups\": []}").statusCode()).isEqualTo(200);
    assertThat(json(discovery("GET", "/profiles/gpu-lab", null)).path("groups").toString()).isEqualTo("[]");
  }
}
