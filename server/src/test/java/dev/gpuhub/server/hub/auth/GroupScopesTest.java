package dev.gpuhub.server.hub.auth;

import static dev.gpuhub.server.hub.EmbeddedHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.server.hub.EmbeddedHubTest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** JupyterHub's {@code !group=} filter: a scope that holds for the members of a group, as membership is at each call. */
class GroupScopesTest extends EmbeddedHubTest {
  @Test
  void aGroupFilteredScopeHoldsForTheGroupsMembersOnly() {
    Set<String> scopes = Scopes.forToken(List.of("read:users!group=students"), "root", true);
    assertThat(Scopes.allows(scopes, "read:users", "alice", null, u -> u.equals("alice") ? List.of("students") : List.of()))
        .isTrue();
    assertThat(Scopes.allows(scopes, "read:users", "bob", null, u -> List.of("staff"))).isFalse();
    assertThat(Scopes.allows(scopes, "read:users:name", "alice", null, u -> List.of("students"))).as("implied").isTrue();
    assertThat(Scopes.forToken(List.of("read:users!group=students"), "alice", false))
        .as("a user without the unfiltered right gets no group-wide one").isEmpty();

    assertThat(h.hub("POST", "/hub/api/groups/students", root, "{\"users\": [\"alice\"]}").statusCode()).isEqualTo(201);
    HttpResponse<String> made = h.hub("POST", "/hub/api/users/root/tokens", root,
        "{\"scopes\": [\"read:users!group=students\"], \"note\": \"teacher's dashboard\"}");
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    String teacher = json(made).path("token").asText();
    assertThat(h.hub("GET", "/hub/api/users/alice", teacher, null).statusCode()).isEqualTo(200);
    HttpResponse<String> other = h.hub("GET", "/hub/api/users/bob", teacher, null);
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(json(other).path("error").asText()).contains("read:users!user=bob");
    assertThat(h.hub("DELETE", "/hub/api/users/alice", teacher, null).statusCode()).as("reading only").isEqualTo(403);

    // membership counts as it is at each call
    assertThat(h.hub("POST", "/hub/api/groups/students/users", root, "{\"users\": [\"bob\"]}").statusCode()).isEqualTo(200);
    assertThat(h.hub("GET", "/hub/api/users/bob", teacher, null).statusCode()).isEqualTo(200);

    // the user list, with a filtered list scope, lists the members (as JupyterHub does); without one, 403
    HttpResponse<String> lister = h.hub("POST", "/hub/api/users/root/tokens", root,
        "{\"scopes\": [\"list:users!group=students\"]}");
    assertThat(lister.statusCode()).as(lister.body()).isEqualTo(201);
    HttpResponse<String> listed = h.hub("GET", "/hub/api/users", json(lister).path("token").asText(), null);
    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    List<String> names = new java.util.ArrayList<>();
    json(listed).forEach(u -> names.add(u.path("name").asText()));
    assertThat(names).containsExactlyInAnyOrder("alice", "bob");
    assertThat(h.hub("GET", "/hub/api/users", teacher, null).statusCode()).as("read:users alone lists nobody").isEqualTo(403);

    for (String bad : List.of("read:users!group=", "read:users!group=a b", "read:users!team=x")) {
      HttpResponse<String> r = h.hub("POST", "/hub/api/users/root/tokens", root, "{\"scopes\": [\"" + bad + "\"]}");
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
    }
    HttpResponse<String> byAlice = h.hub("POST", "/hub/api/users/alice/tokens", alice,
        "{\"scopes\": [\"read:users!group=students\"]}");
    assertThat(byAlice.statusCode()).as("a token never exceeds its owner").isEqualTo(400);
    assertThat(json(byAlice).path("error").asText()).contains("is more than user 'alice' has");
  }
}
