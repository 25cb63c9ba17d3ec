package dev.gpuhub.server.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JupyterHub's group API over HTTP on the embedded store: shapes, codes, atomicity, who may. */
class GroupApiTest {
  @TempDir Path dataDir;
  private AuthApp hub;
  private String root;
  private String alice;

  @BeforeEach
  void start() {
    hub = AuthApp.start(dataDir, HubAuthConfig.defaults(Set.of()));
    root = hub.userWithToken("root", true);
    alice = hub.userWithToken("alice", false);
    hub.userWithToken("bob", false);
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private static JsonNode json(HttpResponse<String> r) {
    return AuthApp.json(r);
  }

  @Test
  void anAdminMakesGroupsAndSetsWhoBelongs() {
    HttpResponse<String> made = hub.api("POST", "/hub/api/groups", root, "{\"groups\": [\"physics\", \"chem\"], \"users\": [\"alice\"]}");
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    assertThat(json(made).get(0).toString())
        .isEqualTo("{\"kind\":\"group\",\"name\":\"physics\",\"users\":[\"alice\"],\"roles\":[],\"properties\":{}}");
    assertThat(hub.api("POST", "/hub/api/groups/bio", root, null).statusCode()).isEqualTo(201);
    assertThat(hub.api("POST", "/hub/api/groups/bio", root, null).statusCode()).isEqualTo(409);

    HttpResponse<String> added = hub.api("POST", "/hub/api/groups/physics/users", root, "{\"users\": [\"bob\", \"alice\"]}");
    assertThat(added.statusCode()).isEqualTo(200);
    assertThat(json(added).path("users").toString()).isEqualTo("[\"alice\",\"bob\"]");
    assertThat(json(hub.api("GET", "/hub/api/users/alice", root, null)).path("groups").toString())
        .isEqualTo("[\"chem\",\"physics\"]");
    assertThat(json(hub.api("GET", "/hub/api/user", alice, null)).path("groups").toString()).isEqualTo("[\"chem\",\"physics\"]");

    HttpResponse<String> removed = hub.api("DELETE", "/hub/api/groups/physics/users", root, "{\"users\": [\"alice\"]}");
    assertThat(json(removed).path("users").toString()).isEqualTo("[\"bob\"]");
    HttpResponse<String> list = hub.api("GET", "/hub/api/groups?limit=2", root, null);
    assertThat(list.headers().firstValue("X-Total-Count")).hasValue("3");
    assertThat(json(list).size()).isEqualTo(2);

    assertThat(hub.api("DELETE", "/hub/api/groups/physics", root, null).statusCode()).isEqualTo(204);
    assertThat(hub.api("GET", "/hub/api/groups/physics", root, null).statusCode()).isEqualTo(404);
    assertThat(hub.api("GET", "/hub/api/users/bob", root, null).statusCode()).as("members stay users").isEqualTo(200);
  }

  @Test
  void badNamesAndUnknownMembersChangeNothing() {
    HttpResponse<String> unknown = hub.api("POST", "/hub/api/groups", root, "{\"groups\": [\"a\", \"b\"], \"users\": [\"alice\", \"nobody\"]}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(json(unknown).path("error").asText()).contains("users", "nobody");
    HttpResponse<String> badName = hub.api("POST", "/hub/api/groups", root, "{\"groups\": [\"ok\", \"no spaces\"]}");
    assertThat(badName.statusCode()).isEqualTo(400);
    assertThat(json(badName).path("error").asText()).contains("'no spaces' is not a group name");
    assertThat(json(hub.api("GET", "/hub/api/groups", root, null)).size()).as("nothing half-written").isZero();
    hub.api("POST", "/hub/api/groups/lab", root, "{\"users\": [\"alice\"]}");
    HttpResponse<String> add = hub.api("POST", "/hub/api/groups/lab/users", root, "{\"users\": [\"bob\", \"ALICE\"]}");
    assertThat(add.statusCode()).isEqualTo(400);
    assertThat(json(hub.api("GET", "/hub/api/groups/lab", root, null)).path("users").toString()).isEqualTo("[\"alice\"]");
    assertThat(hub.api("POST", "/hub/api/groups/none/users", root, "{\"users\": [\"bob\"]}").statusCode()).isEqualTo(404);
    assertThat(hub.api("POST", "/hub/api/groups/lab/users", root, "{\"users\": []}").statusCode()).isEqualTo(400);
  }

  @Test
  void onlyAdminsAndTokensWithGroupScopesMayTouchGroups() {
    hub.api("POST", "/hub/api/groups/lab", root, null);
    assertThat(hub.api("GET", "/hub/api/groups", alice, null).statusCode()).isEqualTo(403);
    assertThat(hub.api("POST", "/hub/api/groups/mine", alice, null).statusCode()).isEqualTo(403);
    assertThat(hub.api("POST", "/hub/api/groups/lab/users", alice, "{\"users\": [\"alice\"]}").statusCode()).isEqualTo(403);
    assertThat(hub.api("GET", "/hub/api/groups", null, null).statusCode()).isEqualTo(403);
    String reader = json(hub.api("POST", "/hub/api/users/root/tokens", root, "{\"scopes\": [\"read:users\"]}")).path("token").asText();
    assertThat(hub.api("GET", "/hub/api/groups", reader, null).statusCode()).isEqualTo(403);
    String grouper = json(hub.api("POST", "/hub/api/users/root/tokens", root, "{\"scopes\": [\"admin:groups\"]}")).path("token").asText();
    assertThat(hub.api("GET", "/hub/api/groups", grouper, null).statusCode()).isEqualTo(200);
    assertThat(hub.api("DELETE", "/hub/api/groups/lab", grouper, null).statusCode()).isEqualTo(204);
  }
}
