package dev.gpuhub.server.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code jupyterhub-singleuser} and JupyterHub's API clients ask of the hub, over HTTP against
 * the real routes: the version, {@code GET /hub/api/user} with scopes, a server's own token (its
 * rights and no more), tokens made with scopes, activity reports, and the OAuth code flow.
 */
class SingleUserProtocolTest {
  private static final String CALLBACK = "/user/alice/oauth_callback";
  private static final String SERVER_TOKEN = "f".repeat(64);
  @TempDir Path dataDir;
  private AuthApp hub;
  private String aliceFull;

  @BeforeEach
  void start() {
    hub = AuthApp.start(dataDir, HubAuthConfig.defaults(Set.of()));
    aliceFull = hub.userWithToken("alice", false);
    hub.userWithToken("bob", false);
    hub.auth.serverTokens().register("alice", "", SERVER_TOKEN, CALLBACK);
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private static JsonNode json(HttpResponse<String> r) {
    return AuthApp.json(r);
  }

  private static List<String> scopes(JsonNode user) {
    List<String> list = new ArrayList<>();
    user.path("scopes").forEach(s -> list.add(s.asText()));
    return list;
  }

  @Test
  void theApiRootNamesJupyterHubsVersionToAnyone() {
    HttpResponse<String> r = hub.api("GET", "/hub/api/", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("version").asText()).isEqualTo("3.0.0");
    assertThat(r.headers().firstValue("X-JupyterHub-Version")).hasValue("3.0.0");
    assertThat(hub.api("GET", "/hub/api", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void aServersTokenIdentifiesItsUserAndDoesNothingElse() {
    HttpResponse<String> me = hub.api("GET", "/hub/api/user", SERVER_TOKEN, null);
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(json(me).path("name").asText()).isEqualTo("alice");
    assertThat(scopes(json(me))).contains("access:servers!server=alice/", "users:activity!user=alice")
        .noneMatch(s -> s.startsWith("tokens") || s.startsWith("servers") || s.startsWith("read:users!"));
    assertThat(json(me).has("servers")).as("no read:users, no user model").isFalse();

    assertThat(hub.api("GET", "/hub/api/users", SERVER_TOKEN, null).statusCode()).isEqualTo(403);
    assertThat(hub.api("GET", "/hub/api/users/bob", SERVER_TOKEN, null).statusCode()).isEqualTo(403);
    assertThat(hub.api("GET", "/hub/api/users/alice", SERVER_TOKEN, null).statusCode()).isEqualTo(403);
    HttpResponse<String> mint = hub.api("POST", "/hub/api/users/alice/tokens", SERVER_TOKEN, "{}");
    assertThat(mint.statusCode()).isEqualTo(403);
    assertThat(json(mint).path("error").asText()).contains("tokens!user=alice");
    assertThat(hub.api("DELETE", "/hub/api/users/alice/server", SERVER_TOKEN, null).statusCode()).isEqualTo(403);
    assertThat(hub.api("GET", "/hub/home", SERVER_TOKEN, null).statusCode()).isEqualTo(403);
    assertThat(hub.api("POST", "/hub/spawn", SERVER_TOKEN, null).statusCode()).isEqualTo(403);

    hub.auth.serverTokens().forget("alice", "");
    assertThat(hub.api("GET", "/hub/api/user", SERVER_TOKEN, null).statusCode()).as("a stopped server's token").isEqualTo(403);
  }

  @Test
  void activityReportsReachTheCullerOnlyFromThoseAllowed() {
    String report = "{\"servers\": {\"\": {\"last_activity\": \"2025-03-01T09:59:00.000000Z\"}},"
        + " \"last_activity\": \"2025-03-01T09:59:00.000000Z\"}";
    assertThat(hub.api("POST", "/hub/api/users/alice/activity", SERVER_TOKEN, report).statusCode()).isEqualTo(204);
    assertThat(hub.activity).containsExactly("alice/@2025-03-01T09:59:00Z");
    assertThat(hub.api("POST", "/hub/api/users/bob/activity", SERVER_TOKEN, report).statusCode()).isEqualTo(403);
    HttpResponse<String> bad = hub.api("POST", "/hub/api/users/alice/activity", SERVER_TOKEN,
        "{\"servers\": {\"\": {\"last_activity\": \"yesterday\"}}, \"last_activity\": \"yesterday\"}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad).path("error").asText()).contains("servers", "'yesterday'");
    assertThat(hub.activity).hasSize(1);
  }

  @Test
  void tokensMadeWithScopesHoldThoseScopesAndNoMore() {
    HttpResponse<String> made = hub.api("POST", "/hub/api/users/alice/tokens", aliceFull,
        "{\"scopes\": [\"read:users!user=alice\"], \"expires_in\": 600, \"note\": \"dashboard\"}");
    assertThat(made.statusCode()).isEqualTo(201);
    assertThat(scopes(json(made))).containsExactly("read:users!user=alice");
    String reader = json(made).path("token").asText();
    assertThat(hub.api("GET", "/hub/api/users/alice", reader, null).statusCode()).isEqualTo(200);
    assertThat(hub.api("DELETE", "/hub/api/users/alice/tokens/1", reader, null).statusCode()).isEqualTo(403);
    assertThat(hub.api("POST", "/hub/api/users/alice/tokens", reader, "{}").statusCode()).isEqualTo(403);

    HttpResponse<String> beyond = hub.api("POST", "/hub/api/users/alice/tokens", aliceFull, "{\"scopes\": [\"admin:users\"]}");
    assertThat(beyond.statusCode()).isEqualTo(400);
    assertThat(json(beyond).path("error").asText()).contains("'admin:users' is more than user 'alice' has");
    HttpResponse<String> unknown = hub.api("POST", "/hub/api/users/alice/tokens", aliceFull, "{\"scopes\": [\"sudo\"]}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(json(unknown).path("error").asText()).contains("unknown scope 'sudo'");
    HttpResponse<String> list = hub.api("GET", "/hub/api/users/alice/tokens", aliceFull, null);
    assertThat(list.body()).contains("\"scopes\":[\"inherit\"]", "\"scopes\":[\"read:users!user=alice\"]");
  }

  private static String authorizePath(String clientId, String redirect) {
    return "/hub/api/oauth2/authorize?client_id=" + clientId + "&redirect_uri="
        + URLEncoder.encode(redirect, StandardCharsets.UTF_8) + "&response_type=code&state=st4te";
  }

  private static Map<String, String> query(String location) {
    Map<String, String> q = new java.util.HashMap<>();
    for (String kv : URI.create(location).getRawQuery().split("&")) {
      int eq = kv.indexOf('=');
      q.put(kv.substring(0, eq), java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return q;
  }

  private HttpResponse<String> swap(String code, String secret) {
    Browser server = hub.browser();
    return server.postForm("/hub/api/oauth2/token", Map.of("client_id", "jupyterhub-user-alice",
        "client_secret", secret, "grant_type", "authorization_code", "code", code, "redirect_uri", CALLBACK));
  }

  @Test
  void theOwnersBrowserGetsACodeThatTheServerSwapsForATokenOfItsOwnScope() {
    Browser anonymous = hub.browser();
    HttpResponse<String> login = anonymous.get(authorizePath("jupyterhub-user-alice", CALLBACK));
    assertThat(login.statusCode()).isEqualTo(302);
    assertThat(login.headers().firstValue("Location").orElseThrow()).startsWith("/hub/login?next=%2Fhub%2Fapi%2Foauth2%2Fauthorize");

    Browser alice = hub.browser();
    assertThat(alice.logIn("alice", "password-of-alice").statusCode()).isEqualTo(302);
    HttpResponse<String> granted = alice.get(authorizePath("jupyterhub-user-alice", CALLBACK));
    assertThat(granted.statusCode()).isEqualTo(302);
    String location = granted.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(CALLBACK + "?code=");
    assertThat(query(location)).containsEntry("state", "st4te");
    String code = query(location).get("code");

    assertThat(swap(code, "0".repeat(64)).statusCode()).as("wrong client secret").isEqualTo(401);
    HttpResponse<String> token = swap(code, SERVER_TOKEN);
    assertThat(token.statusCode()).isEqualTo(200);
    String access = json(token).path("access_token").asText();
    assertThat(json(token).path("token_type").asText()).isEqualTo("Bearer");
    HttpResponse<String> again = swap(code, SERVER_TOKEN);
    assertThat(again.statusCode()).as("a code works once").isEqualTo(400);
    assertThat(json(again).path("error").asText()).isEqualTo("invalid_grant");

    JsonNode me = json(hub.api("GET", "/hub/api/user", access, null));
    assertThat(me.path("name").asText()).isEqualTo("alice");
    assertThat(scopes(me)).containsExactly("access:servers!server=alice/");
    assertThat(hub.api("GET", "/hub/api/users/alice", access, null).statusCode()).isEqualTo(403);

    hub.clock.advance(java.time.Duration.ofSeconds(61));
    HttpResponse<String> late = alice.get(authorizePath("jupyterhub-user-alice", CALLBACK));
    hub.clock.advance(java.time.Duration.ofSeconds(61));
    assertThat(swap(query(late.headers().firstValue("Location").orElseThrow()).get("code"), SERVER_TOKEN).statusCode())
        .as("an expired code").isEqualTo(400);
  }

  @Test
  void anotherUserAnUnknownClientAndAForeignRedirectAreRefused() {
    Browser bob = hub.browser();
    assertThat(bob.logIn("bob", "password-of-bob").statusCode()).isEqualTo(302);
    HttpResponse<String> refused = bob.get(authorizePath("jupyterhub-user-alice", CALLBACK));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("may not use alice");
    assertThat(bob.get(authorizePath("jupyterhub-user-carol", "/user/carol/oauth_callback")).statusCode()).isEqualTo(400);
    Browser alice = hub.browser();
    alice.logIn("alice", "password-of-alice");
    HttpResponse<String> foreign = alice.get(authorizePath("jupyterhub-user-alice", "https://evil.example/cb"));
    assertThat(foreign.statusCode()).isEqualTo(400);
    assertThat(foreign.body()).contains("is not the one registered");
    // a token is no browser: it cannot authorize
    HttpResponse<String> byToken = hub.api("GET", authorizePath("jupyterhub-user-alice", CALLBACK), aliceFull, null);
    assertThat(byToken.statusCode()).isEqualTo(302);
    assertThat(byToken.headers().firstValue("Location").orElseThrow()).startsWith("/hub/login");
  }
}
