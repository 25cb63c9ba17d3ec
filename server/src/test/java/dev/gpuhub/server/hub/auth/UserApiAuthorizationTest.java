package dev.gpuhub.server.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every REST user route for four callers: anonymous, another user (bob), the user themself
 * (alice) and an admin (root). Each call gets fresh targets so no call depends on another.
 */
class UserApiAuthorizationTest {
  @TempDir Path dataDir;
  private AuthApp hub;
  private String alice;
  private String bob;
  private String root;
  private final AtomicInteger serial = new AtomicInteger();

  /** One route: how to call it (fresh target per call) and the expected code per caller. */
  private record Route(String name, Supplier<Call> call, int anonymous, int other, int self, int admin) {}

  private record Call(String method, String path, String body) {}

  @BeforeEach
  void start() {
    hub = AuthApp.start(dataDir, HubAuthConfig.defaults(Set.of()));
    alice = hub.userWithToken("alice", false);
    bob = hub.userWithToken("bob", false);
    root = hub.userWithToken("root", true);
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private String aliceTokenId() {
    HubUser owner = hub.auth.accounts().find("alice").orElseThrow();
    return String.valueOf(hub.auth.accounts().createToken(owner, "victim", null).record().id());
  }

  /** A user to delete, with a name nobody else uses. */
  private String victim() {
    String name = "victim" + serial.incrementAndGet();
    hub.auth.accounts().create(name, null, false);
    return name;
  }

  private List<Route> routes() {
    return List.of(
        new Route("GET /hub/api/user", () -> new Call("GET", "/hub/api/user", null), 403, 200, 200, 200),
        new Route("GET /hub/api/users", () -> new Call("GET", "/hub/api/users", null), 403, 403, 403, 200),
        new Route("POST /hub/api/users", () -> new Call("POST", "/hub/api/users",
            "{\"usernames\": [\"bulk" + serial.incrementAndGet() + "\"]}"), 403, 403, 403, 201),
        new Route("GET /hub/api/users/alice", () -> new Call("GET", "/hub/api/users/alice", null), 403, 403, 200, 200),
        new Route("POST /hub/api/users/<new>", () -> new Call("POST", "/hub/api/users/new" + serial.incrementAndGet(),
            "{\"admin\": false, \"password\": \"a fine password\"}"), 403, 403, 403, 201),
        new Route("PATCH /hub/api/users/alice", () -> new Call("PATCH", "/hub/api/users/alice",
            "{\"admin\": false}"), 403, 403, 403, 200),
        new Route("DELETE /hub/api/users/<victim>", () -> new Call("DELETE", "/hub/api/users/" + victim(), null),
            403, 403, 403, 204),
        new Route("GET /hub/api/users/alice/tokens", () -> new Call("GET", "/hub/api/users/alice/tokens", null),
            403, 403, 200, 200),
        new Route("POST /hub/api/users/alice/tokens", () -> new Call("POST", "/hub/api/users/alice/tokens", null),
            403, 403, 201, 201),
        new Route("GET /hub/api/users/alice/tokens/<id>", () -> new Call("GET",
            "/hub/api/users/alice/tokens/" + aliceTokenId(), null), 403, 403, 200, 200),
        new Route("DELETE /hub/api/users/alice/tokens/<id>", () -> new Call("DELETE",
            "/hub/api/users/alice/tokens/" + aliceTokenId(), null), 403, 403, 204, 204));
  }

  @Test
  void everyRouteAnswersEachCallerAsExpected() {
    List<String> wrong = new ArrayList<>();
    for (Route route : routes()) {
      check(wrong, route, "anonymous", null, route.anonymous());
      check(wrong, route, "other user", bob, route.other());
      check(wrong, route, "self", alice, route.self());
      check(wrong, route, "admin", root, route.admin());
    }
    assertThat(wrong).isEmpty();
  }

  private void check(List<String> wrong, Route route, String caller, String token, int expected) {
    Call call = route.call().get();
    HttpResponse<String> r = hub.api(call.method(), call.path(), token, call.body());
    if (r.statusCode() != expected) {
      wrong.add(route.name() + " as " + caller + ": expected " + expected + ", got " + r.statusCode()
          + " " + r.body());
    }
    if (expected == 403) {
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
      assertThat(r.body()).contains("\"status\":403");
    }
  }

  @Test
  void theUserOfAnotherUserIsRefusedBeforeTheirExistenceIsRevealed() {
    assertThat(hub.api("GET", "/hub/api/users/nobody", bob, null).statusCode()).isEqualTo(403);
    assertThat(hub.api("GET", "/hub/api/users/nobody", root, null).statusCode()).isEqualTo(404);
    assertThat(hub.api("POST", "/hub/api/users/nobody/tokens", root, null).statusCode()).isEqualTo(404);
    assertThat(hub.api("DELETE", "/hub/api/users/nobody", root, null).statusCode()).isEqualTo(404);
    assertThat(hub.api("PATCH", "/hub/api/users/nobody", root, "{\"admin\": true}").statusCode()).isEqualTo(404);
    assertThat(hub.api("DELETE", "/hub/api/users/alice/tokens/999999", alice, null).statusCode()).isEqualTo(404);
  }

  @Test
  void identifyAppliesTheSameRulesWithoutAJavalinContext() {
    Browser carol = hub.browser();
    carol.signUp("carol", "carol's password");
    String session = carol.cookie(HubAuth.SESSION_COOKIE);
    assertThat(hub.auth.identify("token " + alice, session).orElseThrow().name()).isEqualTo("alice");
    assertThat(hub.auth.identify("token " + "0".repeat(64), session).orElseThrow().name()).isEqualTo("carol");
    assertThat(hub.auth.identify(null, session).orElseThrow().name()).isEqualTo("carol");
    assertThat(hub.auth.identify("Bearer " + root, null).orElseThrow().admin()).isTrue();
    assertThat(hub.auth.identify(null, null)).isEmpty();
    assertThat(hub.auth.identify("token nonsense", "no-such-session")).isEmpty();
  }

  @Test
  void aBadOrExpiredTokenIsAnonymousAndBearerWorksToo() {
    assertThat(hub.api("GET", "/hub/api/user", "0".repeat(64), null).statusCode()).isEqualTo(403);
    HttpResponse<String> bearer = AuthApp.send(java.net.http.HttpClient.newHttpClient(),
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(hub.url + "/hub/api/user"))
            .header("Authorization", "Bearer " + alice).GET().build());
    assertThat(bearer.statusCode()).isEqualTo(200);
    assertThat(bearer.body()).contains("\"name\":\"alice\"");

    HttpResponse<String> made = hub.api("POST", "/hub/api/users/alice/tokens", alice,
        "{\"note\": \"short\", \"expires_in\": 60}");
    String shortLived = AuthFlowTest.json(made).get("token").asText();
    assertThat(hub.api("GET", "/hub/api/user", shortLived, null).statusCode()).isEqualTo(200);
    hub.clock.advance(java.time.Duration.ofSeconds(61));
    assertThat(hub.api("GET", "/hub/api/user", shortLived, null).statusCode()).isEqualTo(403);
  }
}
