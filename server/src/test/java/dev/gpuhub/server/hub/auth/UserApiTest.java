package dev.gpuhub.server.hub.auth;

import static dev.gpuhub.server.hub.auth.AuthFlowTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the REST user routes do for callers allowed to use them. */
class UserApiTest {
  @TempDir Path dataDir;
  private AuthApp hub;
  private String root;

  @BeforeEach
  void start() {
    hub = AuthApp.start(dataDir, HubAuthConfig.defaults(Set.of("chief")));
    root = hub.userWithToken("root", true);
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  @Test
  void anAdminCreatesAUserWhoCanThenLogIn() {
    HttpResponse<String> created = hub.api("POST", "/hub/api/users/Carol", root,
        "{\"admin\": false, \"password\": \"carol's password\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode carol = json(created);
    assertThat(carol.get("name").asText()).isEqualTo("carol");
    assertThat(carol.get("admin").asBoolean()).isFalse();
    assertThat(carol.get("server").isNull()).isTrue();
    assertThat(hub.browser().logIn("carol", "carol's password").statusCode()).isEqualTo(302);

    assertThat(hub.api("POST", "/hub/api/users/carol", root, null).statusCode()).isEqualTo(409);
    assertThat(hub.api("POST", "/hub/api/users/dave", root, "{\"password\": \"short\"}").statusCode()).isEqualTo(400);
    assertThat(hub.api("POST", "/hub/api/users/eve", root, "{\"admin\": \"yes\"}").statusCode()).isEqualTo(400);
    assertThat(hub.api("POST", "/hub/api/users/bad%20name", root, null).statusCode()).isEqualTo(400);
    assertThat(hub.api("POST", "/hub/api/users/chief", root, null).body()).contains("\"admin\":true");
    assertThat(hub.stores.hub().findUser("dave")).isEmpty();
    assertThat(hub.stores.hub().findUser("eve")).isEmpty();
  }

  @Test
  void deletingAUserRunsTheHookFirstAndEndsTheirSessions() {
    Browser carol = hub.browser();
    carol.signUp("carol", "carol's password");
    assertThat(carol.get("/hub/home").statusCode()).isEqualTo(200);

    assertThat(hub.api("DELETE", "/hub/api/users/carol", root, null).statusCode()).isEqualTo(204);
    assertThat(hub.deleted).containsExactly("carol (still stored)");
    assertThat(hub.stores.hub().findUser("carol")).isEmpty();
    assertThat(carol.get("/hub/home").statusCode()).isEqualTo(302);
    assertThat(hub.api("DELETE", "/hub/api/users/carol", root, null).statusCode()).isEqualTo(404);
  }

  @Test
  void theAdminFlagChangesInLiveSessionsToo() {
    Browser carol = hub.browser();
    carol.signUp("carol", "carol's password");
    assertThat(carol.json("GET", "/hub/api/users", null, false).statusCode()).isEqualTo(403);
    HttpResponse<String> patched = hub.api("PATCH", "/hub/api/users/carol", root, "{\"admin\": true}");
    assertThat(patched.statusCode()).isEqualTo(200);
    assertThat(json(patched).get("admin").asBoolean()).isTrue();
    HttpResponse<String> list = carol.json("GET", "/hub/api/users", null, false);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(json(list).findValuesAsText("name")).containsExactly("carol", "root");

    assertThat(hub.api("PATCH", "/hub/api/users/carol", root, "{}").statusCode()).isEqualTo(400);
    assertThat(hub.api("PATCH", "/hub/api/users/carol", root, "{\"name\": \"caroline\", \"admin\": true}")
        .statusCode()).isEqualTo(400);
  }

  @Test
  void aTokenIsShownOnceAndWorksUntilDeleted() {
    String carol = hub.userWithToken("carol", false);
    HttpResponse<String> made = hub.api("POST", "/hub/api/users/carol/tokens", carol,
        "{\"note\": \"load test\"}");
    JsonNode token = json(made);
    assertThat(token.get("kind").asText()).isEqualTo("api_token");
    assertThat(token.get("user").asText()).isEqualTo("carol");
    assertThat(token.get("note").asText()).isEqualTo("load test");
    assertThat(token.get("oauth_client").asText()).as("JupyterHub's token model").isEqualTo("JupyterHub");
    assertThat(token.get("roles").isArray()).isTrue();
    assertThat(token.has("session_id")).isTrue();
    String secret = token.get("token").asText();
    assertThat(secret).hasSize(64);
    assertThat(hub.stores.hub().findByTokenHash(ApiTokens.sha256Hex(secret), AuthApp.START)).isPresent();

    JsonNode listed = json(hub.api("GET", "/hub/api/users/carol/tokens", secret, null));
    assertThat(listed.get("api_tokens")).hasSize(2);
    assertThat(listed.toString()).doesNotContain(secret).doesNotContain(carol);

    String id = token.get("id").asText();
    assertThat(hub.api("DELETE", "/hub/api/users/carol/tokens/a" + id, carol, null).statusCode()).isEqualTo(204);
    assertThat(hub.api("GET", "/hub/api/user", secret, null).statusCode()).isEqualTo(403);
    assertThat(hub.api("GET", "/hub/api/user", carol, null).statusCode()).isEqualTo(200);
  }

  @Test
  void bulkCreateSkipsExistingNamesAndRefusesWhenAllExist() {
    HttpResponse<String> made = hub.api("POST", "/hub/api/users", root,
        "{\"usernames\": [\"u1\", \"root\", \"U2\"], \"admin\": false}");
    assertThat(made.statusCode()).isEqualTo(201);
    assertThat(json(made).findValuesAsText("name")).containsExactly("u1", "u2");
    assertThat(hub.api("POST", "/hub/api/users", root, "{\"usernames\": [\"u1\"]}").statusCode()).isEqualTo(409);
    assertThat(hub.api("POST", "/hub/api/users", root, "{\"usernames\": []}").statusCode()).isEqualTo(400);
    assertThat(hub.api("POST", "/hub/api/users", root, "[1]").statusCode()).isEqualTo(400);
  }
}
