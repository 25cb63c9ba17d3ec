package dev.gpuhub.server.hub.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.server.ControlPlane;
import dev.gpuhub.server.ServerConfig;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.wire.AgentAuth;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress stream speaks server-sent events, for the owner (here: one without a server). */
class ProgressStreamTest {
  @TempDir Path dir;

  @Test
  void aUserWithoutAServerGetsOneFailedEvent() throws Exception {
    Map<String, String> env = Map.of("GPUHUB_AGENT_TOKEN", AgentAuth.generateToken(), "API_PORT", "0", "HUB_PORT", "0",
        "GPUHUB_BIND", "127.0.0.1", "GPUHUB_DATA_DIR", dir.toString());
    try (ControlPlane plane = ControlPlane.start(ServerConfig.fromEnv(env), StoreConfig.fromEnv(env))) {
      var user = plane.hub().auth().accounts().create("carol", "password-123", false);
      var token = plane.hub().auth().accounts().createToken(user, "test", null);
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(plane.hub().url() + "/hub/api/users/carol/server/progress"))
          .header("Authorization", "token " + token.token()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
      assertThat(r.body()).startsWith("data: {").contains("\"failed\":true", "carol has no server");

      // With no node at all the spawn fails at once: the stream replays every step, ending with the failure.
      HttpResponse<String> start = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(plane.hub().url() + "/hub/api/users/carol/server")).header("Authorization", "token " + token.token())
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(start.statusCode()).as(start.body()).isEqualTo(202);
      HttpResponse<String> events = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(plane.hub().url() + "/hub/api/users/carol/server/progress"))
          .header("Authorization", "token " + token.token()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(events.body()).contains("\"progress\":0", "needs 1 node with room for 0.5 cores, 1 GB; 0 could hold it even when idle (no active nodes: is an agent running and reporting?)", "\"failed\":true");

      // The same for a browser session (cookie + _xsrf).
      java.net.CookieManager cookies = new java.net.CookieManager(null, java.net.CookiePolicy.ACCEPT_ALL);
      HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
      browser.send(HttpRequest.newBuilder(URI.create(plane.hub().url() + "/hub/signup")).build(), HttpResponse.BodyHandlers.ofString());
      String xsrf = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("_xsrf")).findFirst().orElseThrow().getValue();
      HttpResponse<String> signup = browser.send(HttpRequest.newBuilder(URI.create(plane.hub().url() + "/hub/signup"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("username=dave&password=password-123&password_confirmation=password-123&_xsrf=" + xsrf))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(signup.statusCode()).as(signup.body()).isEqualTo(302);
      // the sign-up started a session, with an _xsrf token of its own
      xsrf = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("_xsrf")).findFirst().orElseThrow().getValue();
      HttpResponse<String> spawn = browser.send(HttpRequest.newBuilder(URI.create(plane.hub().url() + "/hub/spawn"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("profile=single-cpu&_xsrf=" + xsrf)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(spawn.statusCode()).as(spawn.body()).isEqualTo(302);
      HttpResponse<String> mine = browser.send(HttpRequest.newBuilder(URI.create(plane.hub().url() + "/hub/api/users/dave/server/progress"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(mine.body()).as("headers %s", mine.headers().map()).contains("\"failed\":true");
    }
  }
}
