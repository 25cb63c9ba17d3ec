package dev.gpuhub.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.server.hub.proxy.ProxyRoute;
import dev.gpuhub.testkit.FreePorts;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-user subdomains (GPUHUB_SUBDOMAIN_HOST): the hub at hub.test, alice's server at
 * alice.hub.test, both on 127.0.0.1 (requests name the host in their Host header, as a browser's
 * would through wildcard DNS); alice's server is a stand-in that shows what it received.
 */
class SubdomainsTest {
  private static final String SERVER_TOKEN = "server-token-of-alice";
  @TempDir Path dataDir;
  private RunningServer server;
  private Javalin upstream;
  private int port;
  private String hubHost;

  @BeforeEach
  void start() {
    port = FreePorts.pick();
    hubHost = "hub.test:" + port;
    server = RunningServer.embedded(dataDir, Map.of("HUB_PORT", Integer.toString(port),
        "GPUHUB_SUBDOMAIN_HOST", "http://" + hubHost, "GPUHUB_ADMIN_USERS", "boss"));
    upstream = Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      c.routes.get("/user/alice/api/status", ctx -> {
        ctx.res().addHeader("Set-Cookie", "nb=1; Path=/user/alice/");
        ctx.json(Map.of("authorization", String.valueOf(ctx.header("Authorization")),
            "cookie", String.valueOf(ctx.header("Cookie"))));
      });
    }).start("127.0.0.1", 0);
    server.plane.hub().routes().add(new ProxyRoute("alice", "127.0.0.1", upstream.port(), SERVER_TOKEN));
    server.plane.hub().auth().accounts().create("alice", "password-alice", false);
    server.plane.hub().auth().accounts().create("bob", "password-bob", false);
  }

  @AfterEach
  void stop() {
    upstream.stop();
    server.close();
  }

  @Test
  void aUsersServerLivesOnItsOwnSubdomainWithASessionOfItsOwn() throws IOException {
    String alice = "alice.hub.test:" + port;
    Map<String, String> html = Map.of("Accept", "text/html");

    // on the hub's host, a user's server is only a redirect to its subdomain
    Raw onHub = send(hubHost, "GET", "/user/alice/api/status", html);
    assertThat(onHub.status).isEqualTo(302);
    assertThat(onHub.header("Location")).isEqualTo("http://" + alice + "/user/alice/api/status");
    assertThat(send(hubHost, "POST", "/user/alice/api/contents", Map.of()).status).isEqualTo(404);

    // the hub's forms may lead to users' subdomains (a login with next=/user/..., an admin's confirmation)
    assertThat(send(hubHost, "GET", "/hub/login", Map.of()).header("Content-Security-Policy"))
        .contains("form-action 'self' http://*.hub.test:" + port);

    // the hub's session cookie is host-only: a browser never sends it to a subdomain
    String hubSession = logIn("alice");
    // ... so the subdomain sends the browser to the hub, which hands it a one-time code
    Raw anonymous = send(alice, "GET", "/user/alice/api/status", html);
    assertThat(anonymous.status).isEqualTo(302);
    String login = anonymous.header("Location");
    assertThat(login).startsWith("http://" + hubHost + "/hub/server-login?user=alice&next=");
    Raw handed = send(hubHost, "GET", login.substring(("http://" + hubHost).length()), Map.of("Cookie", hubSession));
    assertThat(handed.status).isEqualTo(302);
    String exchange = handed.header("Location");
    assertThat(exchange).startsWith("http://" + alice + "/hub/server-session?code=");
    String exchangePath = exchange.substring(("http://" + alice).length());
    assertThat(send("bob.hub.test:" + port, "GET", exchangePath, Map.of()).status).as("alice's code on bob's subdomain")
        .isEqualTo(403);
    // (that attempt used the code up) a fresh code for the real exchange
    exchangePath = send(hubHost, "GET", login.substring(("http://" + hubHost).length()), Map.of("Cookie", hubSession))
        .header("Location").substring(("http://" + alice).length());
    Raw exchanged = send(alice, "GET", exchangePath, Map.of());
    assertThat(exchanged.status).isEqualTo(302);
    assertThat(exchanged.header("Location")).isEqualTo("/user/alice/api/status");
    String setCookie = exchanged.headers.stream().filter(h -> h.startsWith("set-cookie: gpuhub-server-session="))
        .map(h -> h.substring("set-cookie: ".length())).findFirst().orElseThrow();
    assertThat(setCookie).containsIgnoringCase("HttpOnly")
        .doesNotContainIgnoringCase("Domain=");
    String serverSession = setCookie.substring(0, setCookie.indexOf(';'));
    assertThat(send(alice, "GET", exchangePath, Map.of()).status).as("a code works once").isEqualTo(403);

    Raw status = send(alice, "GET", "/user/alice/api/status", Map.of("Cookie", serverSession + "; theme=dark"));
    assertThat(status.status).isEqualTo(200);
    assertThat(status.body).contains("\"authorization\":\"token " + SERVER_TOKEN + "\"", "\"cookie\":\"theme=dark\"")
        .doesNotContain("gpuhub-server-session");
    assertThat(status.header("Set-Cookie")).startsWith("nb=1");

    // the subdomain's session opens alice's server only, and the hub's pages do not exist there
    assertThat(send("bob.hub.test:" + port, "GET", "/user/alice/api/status", Map.of("Cookie", serverSession)).status)
        .isEqualTo(404);
    assertThat(send(alice, "GET", "/hub/home", Map.of("Cookie", serverSession + "; " + hubSession)).status).isEqualTo(404);
    assertThat(send(alice, "GET", "/hub/api/users/alice", Map.of("Cookie", hubSession)).status).isEqualTo(404);

    // another user gets no code for alice's server; logging out ends the subdomain's session
    String bobSession = logIn("bob");
    assertThat(send(hubHost, "GET", "/hub/server-login?user=alice", Map.of("Cookie", bobSession)).status).isEqualTo(403);
    Raw logoutPage = send(hubHost, "GET", "/hub/logout", Map.of("Cookie", hubSession));
    String xsrf = cookie(logoutPage, "_xsrf");
    assertThat(send(hubHost, "POST", "/hub/logout", Map.of("Cookie", hubSession + "; _xsrf=" + xsrf,
        "Content-Type", "application/x-www-form-urlencoded"), "_xsrf=" + xsrf).status).isEqualTo(302);
    assertThat(send(alice, "GET", "/user/alice/api/status", Map.of("Cookie", serverSession)).status).isEqualTo(403);
  }

  /** Logs {@code user} in on the hub's host; returns the session's {@code name=value}. */
  private String logIn(String user) throws IOException {
    String xsrf = cookie(send(hubHost, "GET", "/hub/login", Map.of()), "_xsrf");
    Raw in = send(hubHost, "POST", "/hub/login", Map.of("Cookie", "_xsrf=" + xsrf,
        "Content-Type", "application/x-www-form-urlencoded"),
        "username=" + user + "&password=password-" + user + "&_xsrf=" + URLEncoder.encode(xsrf, StandardCharsets.UTF_8));
    assertThat(in.status).as(in.body).isEqualTo(302);
    String session = in.headers.stream().filter(h -> h.startsWith("set-cookie: gpuhub-session=")).findFirst().orElseThrow();
    assertThat(session).doesNotContainIgnoringCase("domain=");
    return session.substring("set-cookie: ".length(), session.indexOf(';'));
  }

  private static String cookie(Raw r, String name) {
    for (String h : r.headers) {
      if (h.startsWith("set-cookie: " + name + "=")) return h.substring(("set-cookie: " + name + "=").length(), h.indexOf(';'));
    }
    throw new AssertionError("no cookie " + name + " in " + r.headers);
  }

  private Raw send(String host, String method, String path, Map<String, String> headers) throws IOException {
    return send(host, method, path, headers, null);
  }

  /** One HTTP/1.1 request to the hub's port naming {@code host}, read to the end. */
  private Raw send(String host, String method, String path, Map<String, String> headers, String body) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n");
      Map<String, String> all = new LinkedHashMap<>(headers);
      byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      if (body != null || !method.equals("GET")) all.put("Content-Length", Integer.toString(payload.length));
      all.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
      req.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.UTF_8));
      out.write(payload);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      in.transferTo(got);
      return Raw.parse(got.toString(StandardCharsets.UTF_8));
    }
  }

  /** A response: status, header lines (lower-case names), body (chunked bodies are left as sent). */
  private record Raw(int status, List<String> headers, String body) {
    static Raw parse(String text) {
      int end = text.indexOf("\r\n\r\n");
      String[] lines = text.substring(0, end).split("\r\n");
      List<String> headers = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.add(lines[i].substring(0, colon).toLowerCase() + ": " + lines[i].substring(colon + 1).strip());
      }
      return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
    }

    String header(String name) {
      String prefix = name.toLowerCase() + ": ";
      return headers.stream().filter(h -> h.startsWith(prefix)).map(h -> h.substring(prefix.length())).findFirst().orElse(null);
    }
  }
}
