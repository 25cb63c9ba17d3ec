package dev.gpuhub.server.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.store.HubUserRecord;
import dev.gpuhub.wire.WireJson;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sign-up, login, logout and the session over real HTTP, as a browser does it. */
class AuthFlowTest {
  @TempDir Path dataDir;
  private AuthApp hub;

  @BeforeEach
  void start() {
    hub = AuthApp.start(dataDir, HubAuthConfig.defaults(Set.of("boss")));
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return WireJson.mapper().readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body(), e);
    }
  }

  @Test
  void signUpLogsInAndLogoutEndsTheSession() {
    Browser browser = hub.browser();
    HttpResponse<String> form = browser.get("/hub/signup");
    assertThat(form.statusCode()).isEqualTo(200);
    String xsrf = browser.cookie("_xsrf");
    assertThat(xsrf).hasSizeGreaterThanOrEqualTo(43);
    assertThat(form.body()).contains("name=\"_xsrf\" value=\"" + xsrf + "\"")
        .contains("name=\"password_confirmation\"");

    HttpResponse<String> signedUp = browser.signUp("  Alice ", "correct horse");
    assertThat(signedUp.statusCode()).isEqualTo(302);
    assertThat(signedUp.headers().firstValue("Location")).contains("/hub/home");
    assertThat(browser.cookie(HubAuth.SESSION_COOKIE)).hasSizeGreaterThanOrEqualTo(43);
    assertThat(browser.get("/hub/home").body()).contains("home of alice");
    JsonNode me = json(browser.json("GET", "/hub/api/user", null, false));
    assertThat(me.get("name").asText()).isEqualTo("alice");
    assertThat(me.get("admin").asBoolean()).isFalse();
    assertThat(me.get("kind").asText()).isEqualTo("user");

    HttpResponse<String> out = browser.submit("/hub/logout", Map.of());
    assertThat(out.statusCode()).isEqualTo(302);
    assertThat(out.headers().firstValue("Location")).contains("/hub/login");
    assertThat(hub.loggedOut).containsExactly("alice");
    assertThat(browser.json("GET", "/hub/api/user", null, false).statusCode()).isEqualTo(403);
    assertThat(hub.auth.sessions().size()).isZero();
  }

  @Test
  void loginRedirectsToALocalNextOnlyAndLogoutIsAPost() {
    hub.browser().signUp("alice", "correct horse");
    Browser browser = hub.browser();
    HttpResponse<String> page = browser.get("/hub/login?next=%2Fhub%2Fspawn%3Fprofile%3Dsingle-cpu");
    assertThat(page.body()).contains("action=\"/hub/login?next=%2Fhub%2Fspawn%3Fprofile%3Dsingle-cpu\"");
    HttpResponse<String> in = browser.submit("/hub/login?next=%2Fhub%2Fspawn%3Fprofile%3Dsingle-cpu",
        Map.of("username", "alice", "password", "correct horse"));
    assertThat(in.statusCode()).isEqualTo(302);
    assertThat(in.headers().firstValue("Location")).contains("/hub/spawn?profile=single-cpu");
    assertThat(hub.stores.hub().findUser("alice").orElseThrow().lastLogin()).isEqualTo(AuthApp.START);

    for (String evil : new String[] {"https://evil.example/", "//evil.example/x", "/\\evil.example", "hub/home"}) {
      HttpResponse<String> r = hub.browser().submit("/hub/login",
          Map.of("username", "alice", "password", "correct horse", "next", evil));
      assertThat(r.headers().firstValue("Location")).as(evil).contains("/hub/home");
    }

    assertThat(browser.get("/hub/login").headers().firstValue("Location")).as("already logged in")
        .contains("/hub/home");
    HttpResponse<String> asked = browser.get("/hub/logout");
    assertThat(asked.statusCode()).as("a GET only asks: a cross-site link logs no one out").isEqualTo(200);
    assertThat(asked.body()).contains("method=\"post\" action=\"/hub/logout\"");
    assertThat(hub.loggedOut).isEmpty();
    assertThat(browser.get("/hub/home").statusCode()).isEqualTo(200);
    HttpResponse<String> out = browser.submit("/hub/logout", Map.of());
    assertThat(out.statusCode()).isEqualTo(302);
    assertThat(out.headers().firstValue("Location")).contains("/hub/login");
    assertThat(browser.get("/hub/home").statusCode()).isEqualTo(302);
  }

  @Test
  void aWrongPasswordShowsTheLoginPageAgainWithTheNameEscaped() {
    hub.browser().signUp("alice", "correct horse");
    Browser browser = hub.browser();
    HttpResponse<String> r = browser.logIn("alice", "wrong horse");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("Invalid username or password").contains("value=\"alice\"");
    assertThat(browser.cookie(HubAuth.SESSION_COOKIE)).isNull();

    HttpResponse<String> unknown = browser.logIn("<img src=x onerror=alert(1)>", "whatever1");
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(unknown.body()).contains("Invalid username or password")
        .contains("&lt;img src=x onerror=alert(1)&gt;").doesNotContain("<img");
  }

  @Test
  void formPostsWithoutOrWithAWrongXsrfAre403AndDoNothing() {
    hub.browser().signUp("alice", "correct horse");
    Browser browser = hub.browser();
    browser.get("/hub/login");
    Map<String, String> login = Map.of("username", "alice", "password", "correct horse");

    HttpResponse<String> missing = browser.postForm("/hub/login", login);
    assertThat(missing.statusCode()).isEqualTo(403);
    assertThat(missing.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(missing.body()).contains("&#39;_xsrf&#39; argument missing");

    HttpResponse<String> wrong = browser.postForm("/hub/login", Map.of("username", "alice",
        "password", "correct horse", "_xsrf", "x".repeat(43)));
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(wrong.body()).contains("does not match");

    Browser noCookie = hub.browser();
    HttpResponse<String> forged = noCookie.postForm("/hub/login", Map.of("username", "alice",
        "password", "correct horse", "_xsrf", browser.cookie("_xsrf")));
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.body()).contains("cookie");
    assertThat(browser.cookie(HubAuth.SESSION_COOKIE)).isNull();
    assertThat(noCookie.cookie(HubAuth.SESSION_COOKIE)).isNull();
    assertThat(hub.stores.hub().findUser("alice").orElseThrow().lastLogin()).isNull();

    // a logged-in user's form POST to another hub route is checked too
    browser.logIn("alice", "correct horse");
    assertThat(browser.postForm("/hub/spawn", Map.of("profile", "single-cpu")).statusCode()).isEqualTo(403);
    assertThat(browser.submit("/hub/spawn", Map.of("profile", "single-cpu")).statusCode()).isEqualTo(302);
    assertThat(browser.postForm("/hub/logout", Map.of()).statusCode()).isEqualTo(403);
    assertThat(hub.loggedOut).isEmpty();
  }

  @Test
  void multipartFormsAreCheckedToo() {
    hub.browser().signUp("alice", "correct horse");
    Browser browser = hub.browser();
    String xsrf = browser.xsrf();
    assertThat(browser.postMultipart("/hub/login", Map.of("username", "alice", "password",
        "correct horse")).statusCode()).isEqualTo(403);
    HttpResponse<String> ok = browser.postMultipart("/hub/login", Map.of("username", "alice",
        "password", "correct horse", "_xsrf", xsrf));
    assertThat(ok.statusCode()).isEqualTo(302);
    assertThat(browser.cookie(HubAuth.SESSION_COOKIE)).isNotNull();
  }

  @Test
  void cookieAuthenticatedApiChangesNeedTheXsrfHeaderAndTokenCallsDoNot() {
    Browser browser = hub.browser();
    browser.signUp("alice", "correct horse");
    HttpResponse<String> refused = browser.json("POST", "/hub/api/users/alice/tokens", "{}", false);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(json(refused).get("error").asText()).contains("_xsrf");
    assertThat(hub.stores.hub().tokensOf(hub.auth.accounts().find("alice").orElseThrow().id())).isEmpty();

    HttpResponse<String> made = browser.json("POST", "/hub/api/users/alice/tokens", "{\"note\": \"cli\"}", true);
    assertThat(made.statusCode()).isEqualTo(201);
    String token = json(made).get("token").asText();
    assertThat(json(hub.api("POST", "/hub/api/users/alice/tokens", token, null)).has("token")).isTrue();
  }

  @Test
  void signUpRejectsWeakMismatchedTakenAndBadNamesAndStoresNothing() {
    hub.browser().signUp("alice", "correct horse");
    Browser browser = hub.browser();
    HttpResponse<String> weak = browser.signUp("bob", "short");
    assertThat(weak.statusCode()).isEqualTo(400);
    assertThat(weak.body()).contains("password is too short (5 characters)").contains("at least 8")
        .contains("value=\"bob\"");
    HttpResponse<String> mismatch = browser.submit("/hub/signup", Map.of("username", "bob",
        "password", "correct horse", "password_confirmation", "correct h0rse"));
    assertThat(mismatch.statusCode()).isEqualTo(400);
    assertThat(mismatch.body()).contains("confirmation differ");
    HttpResponse<String> taken = browser.signUp("ALICE", "another password");
    assertThat(taken.statusCode()).isEqualTo(400);
    assertThat(taken.body()).contains("user name &#39;alice&#39; is already taken");
    HttpResponse<String> bad = browser.signUp("<script>x", "another password");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("&lt;script&gt;x").doesNotContain("<script>x");

    assertThat(hub.stores.hub().users()).extracting(HubUserRecord::name).containsExactly("alice");
    assertThat(browser.cookie(HubAuth.SESSION_COOKIE)).isNull();
  }

  @Test
  void aConfiguredAdminNameNeedsTheSetupSecretAndALoginNeverPromotes() throws IOException {
    Path secretFile = dataDir.resolve(AdminSetup.FILE);
    assertThat(java.nio.file.Files.getPosixFilePermissions(secretFile))
        .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    Browser stranger = hub.browser();
    assertThat(stranger.get("/hub/signup").body()).contains("name=\"admin_secret\"");
    for (String wrong : new String[] {null, "", "not-the-secret"}) {
      Map<String, String> fields = new java.util.HashMap<>(Map.of("username", "Boss", "password", "boss password",
          "password_confirmation", "boss password"));
      if (wrong != null) fields.put(AdminSetup.FIELD, wrong);
      HttpResponse<String> refused = stranger.submit("/hub/signup", fields);
      assertThat(refused.statusCode()).as("secret %s", wrong).isEqualTo(403);
      assertThat(refused.body()).contains("administrator").contains(AdminSetup.FILE);
    }
    assertThat(hub.stores.hub().findUser("boss")).as("nothing stored").isEmpty();

    Browser boss = hub.browser();
    boss.get("/hub/signup");
    HttpResponse<String> claimed = boss.submit("/hub/signup", Map.of("username", "Boss", "password", "boss password",
        "password_confirmation", "boss password", AdminSetup.FIELD, java.nio.file.Files.readString(secretFile).strip()));
    assertThat(claimed.statusCode()).isEqualTo(302);
    assertThat(json(boss.json("GET", "/hub/api/user", null, false)).get("admin").asBoolean()).isTrue();
    assertThat(secretFile).as("used up: every admin name has an account").doesNotExist();
    assertThat(hub.browser().get("/hub/signup").body()).doesNotContain("admin_secret");

    hub.stores.hub().setAdmin("boss", false);
    Browser again = hub.browser();
    assertThat(again.logIn("boss", "boss password").statusCode()).isEqualTo(302);
    assertThat(hub.stores.hub().findUser("boss").orElseThrow().admin()).as("a login never promotes").isFalse();
  }

  @Test
  void underApprovalANewUserWaitsForAnAdminBeforeLoggingIn() throws Exception {
    try (AuthApp approving = AuthApp.start(java.nio.file.Files.createDirectories(dataDir.resolve("approval")),
        HubAuthConfig.fromEnv(Map.of("GPUHUB_SIGNUP_APPROVAL", "true")))) {
      Browser carol = approving.browser();
      HttpResponse<String> signedUp = carol.signUp("carol", "correct horse");
      assertThat(signedUp.statusCode()).isEqualTo(200);
      assertThat(signedUp.body()).contains("waits for").contains("approval");
      assertThat(carol.cookie(HubAuth.SESSION_COOKIE)).as("no session while waiting").isNull();
      assertThat(carol.logIn("carol", "wrong horse").statusCode()).as("a wrong password says nothing more").isEqualTo(401);
      HttpResponse<String> waiting = carol.logIn("carol", "correct horse");
      assertThat(waiting.statusCode()).isEqualTo(403);
      assertThat(waiting.body()).contains("approval");
      assertThat(carol.cookie(HubAuth.SESSION_COOKIE)).isNull();

      HubUser boss = approving.auth.accounts().create("boss", "boss password", true);
      String token = approving.auth.accounts().createToken(boss, "test", null).token();
      HttpResponse<String> approved = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create(approving.url + "/hub/api/users/carol/approve")).header("Authorization", "token " + token)
          .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
      assertThat(json(approved).get("approved").asBoolean()).isTrue();
      assertThat(carol.logIn("carol", "correct horse").statusCode()).isEqualTo(302);
    }
  }

  @Test
  void withinASessionAnOverwrittenXsrfCookieGainsNothing() throws Exception {
    Browser victim = hub.browser();
    victim.signUp("alice", "correct horse");
    String session = victim.cookie(HubAuth.SESSION_COOKIE);
    // the attacker's own, genuine token (from the login page), planted as the victim's cookie by a
    // page of the same site, and sent along as the form field: the double submit matches
    Browser attacker = hub.browser();
    attacker.get("/hub/login");
    String planted = attacker.cookie(Xsrf.COOKIE);
    HttpResponse<String> forged = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(hub.url + "/hub/logout")).header("Content-Type", "application/x-www-form-urlencoded")
        .header("Cookie", HubAuth.SESSION_COOKIE + "=" + session + "; " + Xsrf.COOKIE + "=" + planted)
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("_xsrf=" + planted)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).as(forged.body()).isEqualTo(403);
    assertThat(forged.body()).contains("not one this hub gave your session");
    assertThat(hub.loggedOut).isEmpty();
    assertThat(victim.get("/hub/home").statusCode()).isEqualTo(200);
    assertThat(victim.submit("/hub/logout", Map.of()).statusCode()).as("her own token works").isEqualTo(302);
  }

  @Test
  void anXsrfCookieThatAnotherPageOfTheOriginPlantedIsReplacedNotRepeated() throws Exception {
    // a user's server shares the hub's origin: its page can set '_xsrf' for /hub/ to any text
    String planted = "x'+alert(document.cookie)+'" + "a".repeat(40); // no ';', which would end the cookie
    HttpResponse<String> page = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(hub.url + "/hub/login")).header("Cookie", "_xsrf=" + planted).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.body()).doesNotContain("alert(document.cookie)");
    assertThat(setCookie(page, Xsrf.COOKIE)).as("a fresh token replaces it").isNotNull().doesNotContain("alert");
  }

  @Test
  void cookiesAreHttpOnlyAndSameSiteAndTheXsrfCookieIsReadable() {
    Browser browser = hub.browser();
    HttpResponse<String> page = browser.get("/hub/login");
    String xsrfCookie = setCookie(page, Xsrf.COOKIE);
    assertThat(xsrfCookie).containsIgnoringCase("SameSite=Lax").contains("Path=/hub/")
        .doesNotContainIgnoringCase("HttpOnly").doesNotContainIgnoringCase("Secure");
    assertThat(setCookie(browser.get("/hub/login"), Xsrf.COOKIE)).as("set only when absent").isNull();

    HttpResponse<String> in = browser.signUp("alice", "correct horse");
    String session = setCookie(in, HubAuth.SESSION_COOKIE);
    assertThat(session).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax")
        .contains("Path=/").doesNotContainIgnoringCase("Secure");
    assertThat(setCookie(browser.submit("/hub/logout", Map.of()), HubAuth.SESSION_COOKIE)).as("deleted")
        .startsWith(HubAuth.SESSION_COOKIE + "=;").contains("Expires=Thu, 01 Jan 1970");
  }

  @Test
  void secureCookiesWhenConfigured(@TempDir Path otherDir) {
    HubAuthConfig secure = HubAuthConfig.fromEnv(Map.of("GPUHUB_COOKIE_SECURE", "true"));
    try (AuthApp https = AuthApp.start(otherDir, secure)) {
      HttpResponse<String> page = https.browser().get("/hub/signup");
      assertThat(setCookie(page, Xsrf.COOKIE)).containsIgnoringCase("Secure");
    }
  }

  @Test
  void closedSignUpIs403AndStoresNothing(@TempDir Path otherDir) {
    try (AuthApp closed = AuthApp.start(otherDir, HubAuthConfig.fromEnv(Map.of("GPUHUB_OPEN_SIGNUP", "false")))) {
      Browser browser = closed.browser();
      assertThat(browser.get("/hub/signup").statusCode()).isEqualTo(403);
      HttpResponse<String> post = browser.signUp("alice", "correct horse");
      assertThat(post.statusCode()).isEqualTo(403);
      assertThat(post.body()).contains("GPUHUB_OPEN_SIGNUP=false");
      assertThat(closed.stores.hub().users()).isEmpty();
      assertThat(browser.get("/hub/login").body()).doesNotContain("/hub/signup");
    }
  }

  @Test
  void theHubRootAndProtectedPagesRedirectByLoginState() {
    Browser browser = hub.browser();
    assertThat(browser.get("/hub/").headers().firstValue("Location")).contains("/hub/login");
    HttpResponse<String> home = browser.get("/hub/home?tab=servers");
    assertThat(home.statusCode()).isEqualTo(302);
    assertThat(home.headers().firstValue("Location")).contains("/hub/login?next=%2Fhub%2Fhome%3Ftab%3Dservers");
    browser.signUp("alice", "correct horse");
    assertThat(browser.get("/hub/").headers().firstValue("Location")).contains("/hub/home");
  }

  @Test
  void anIdleSessionEnds() {
    Browser browser = hub.browser();
    browser.signUp("alice", "correct horse");
    hub.clock.advance(Duration.ofHours(11));
    assertThat(browser.json("GET", "/hub/api/user", null, false).statusCode()).isEqualTo(200);
    hub.clock.advance(Duration.ofHours(11)); // 11 h idle since the last use: still alive
    assertThat(browser.json("GET", "/hub/api/user", null, false).statusCode()).isEqualTo(200);
    hub.clock.advance(Duration.ofHours(12));
    assertThat(browser.json("GET", "/hub/api/user", null, false).statusCode()).isEqualTo(403);
    assertThat(browser.get("/hub/home").statusCode()).isEqualTo(302);
  }

  /** The Set-Cookie header for cookie {@code name}, or null. */
  private static String setCookie(HttpResponse<String> r, String name) {
    return r.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith(name + "="))
        .findFirst().orElse(null);
  }
}
