package dev.gpuhub.server.hub.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import java.net.URI;
import java.util.List;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy against a stand-in user server (HTTP + WebSocket echo that demands the server token),
 * with a test access rule: the header X-Test-User names who is logged in.
 */
class UserServerProxyTest {
  private static final String TOKEN = "server-token-of-alice";
  private Javalin upstream;
  private Javalin hub;
  private final RouteTable routes = new RouteTable(Clock.systemUTC());
  private final HttpClient http = HttpClient.newHttpClient();

  private static final int FLOOD_MESSAGES = 300;
  private final java.util.concurrent.atomic.AtomicInteger floodWritten = new java.util.concurrent.atomic.AtomicInteger();

  /** Writes 1 MB messages one after the other, each once the last was written, as a polite server does. */
  private void floodFrom(org.eclipse.jetty.websocket.api.Session session, int n) {
    if (n >= FLOOD_MESSAGES || !session.isOpen()) return;
    session.sendBinary(java.nio.ByteBuffer.allocate(1 << 20), org.eclipse.jetty.websocket.api.Callback.from(() -> {
      floodWritten.incrementAndGet();
      floodFrom(session, n + 1);
    }, x -> { }));
  }

  @BeforeEach
  void start() {
    upstream = Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      c.routes.get("/user/alice/api/status", ctx -> ctx.json(java.util.Map.of(
          "authorization", String.valueOf(ctx.header("Authorization")),
          "cookie", String.valueOf(ctx.header("Cookie")),
          "query", String.valueOf(ctx.queryString()))));
      c.routes.post("/user/alice/api/echo", ctx -> ctx.result("posted:" + ctx.body()));
      c.routes.get("/user/alice/files/big.bin", ctx -> ctx.contentType("application/octet-stream").result(BIG));
      c.routes.post("/user/alice/api/origin", ctx -> ctx.result(String.valueOf(ctx.header("Origin"))));
      c.routes.get("/user/alice/cookies", ctx -> {
        for (String cookie : new String[] {"own=1; Path=/user/alice/", "bare=2", "exact=3; Path=/user/alice",
            "gpuhub-session=stolen; Path=/user/alice/", "hubxsrf=4; Path=/hub/", "root=5; Path=/",
            "sibling=6; Path=/user/alice2/", "wide=7; Path=/user/alice/; Domain=example.org",
            "dots=8; Path=/user/alice/../../hub/"}) {
          ctx.res().addHeader("Set-Cookie", cookie);
        }
        ctx.result("cookies");
      });
      c.routes.ws("/user/alice/api/flood", ws -> ws.onConnect(ctx -> floodFrom(ctx.session, 0)));
      c.routes.ws("/user/alice/api/kernels/k1/channels", ws -> {
        ws.onConnect(ctx -> {
          if (!("token " + TOKEN).equals(ctx.header("Authorization"))) ctx.closeSession(4401, "no token");
        });
        ws.onMessage(ctx -> {
          if (ctx.message().equals("ping me")) ctx.sendPing(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
          ctx.send("echo:" + ctx.message());
        });
      });
    }).start("127.0.0.1", 0);
    ProxyAccess access = (request, owner) -> {
      String who = request.getHeader("X-Test-User");
      if (who == null) return ProxyAccess.Decision.ANONYMOUS;
      return who.equals(owner.user()) || who.equals("admin") ? ProxyAccess.Decision.ALLOW : ProxyAccess.Decision.FORBIDDEN;
    };
    UserServerProxyServlet servlet = new UserServerProxyServlet(routes, access);
    hub = Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      c.jetty.modifyServletContextHandler(h -> h.addServlet(new ServletHolder(servlet), "/user/*"));
      c.routes.get("/hub/home", ctx -> ctx.result("home"));
    }).start("127.0.0.1", 0);
    routes.add(new ProxyRoute("alice", "127.0.0.1", upstream.port(), TOKEN));
  }

  @AfterEach
  void stop() {
    hub.stop();
    upstream.stop();
  }

  private HttpResponse<String> get(String path, String user, String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + path));
    if (user != null) b.header("X-Test-User", user);
    if (accept != null) b.header("Accept", accept);
    b.header("Cookie", "gpuhub-session=secret-session; other=1");
    b.header("Authorization", "token hub-api-token-of-the-user");
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A download larger than any buffer of the proxy, of an odd length, no two chunks alike. */
  static final byte[] BIG = new byte[3 * 1024 * 1024 + 17];

  static {
    new java.util.Random(12).nextBytes(BIG);
  }

  @Test
  void aLargeDownloadArrivesWholeAndUnchanged() throws Exception {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + "/user/alice/files/big.bin"))
        .header("X-Test-User", "alice").build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body().length).isEqualTo(BIG.length);
    assertThat(java.util.Arrays.equals(r.body(), BIG)).as("the bytes as the server sent them").isTrue();
  }

  @Test
  void ownerReachesTheServerWithTheServerTokenAndWithoutTheSessionCookie() throws Exception {
    HttpResponse<String> r = get("/user/alice/api/status?x=1", "alice", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"authorization\":\"token " + TOKEN + "\"", "\"cookie\":\"other=1\"", "\"query\":\"x=1\"");
    assertThat(r.body()).doesNotContain("secret-session", "hub-api-token");
    assertThat(get("/user/alice/api/status", "admin", null).statusCode()).isEqualTo(200);
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + "/user/alice/api/echo"))
        .header("X-Test-User", "alice").POST(HttpRequest.BodyPublishers.ofString("body")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.body()).isEqualTo("posted:body");
  }

  @Test
  void aNamedServerGetsItsOwnPrefixAndEverythingElseStillGoesToTheDefaultServer() throws Exception {
    upstream.stop();
    upstream = Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      c.routes.get("/user/alice/gpu/api/status", ctx -> ctx.result("default server"));
      c.routes.get("/user/alice/lab", ctx -> ctx.result("default lab"));
    }).start("127.0.0.1", 0);
    routes.add(new ProxyRoute("alice", "127.0.0.1", upstream.port(), TOKEN));
    Javalin named = Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      c.routes.get("/user/alice/gpu/api/status", ctx -> ctx.result("named server, " + ctx.header("Authorization")));
      c.routes.get("/user/alice/gpu/cookies", ctx -> {
        ctx.res().addHeader("Set-Cookie", "root=5; Path=/");
        ctx.res().addHeader("Set-Cookie", "parent=6; Path=/user/alice/");
        ctx.result("cookies");
      });
    }).start("127.0.0.1", 0);
    try {
      dev.gpuhub.core.hub.ServerId gpu = new dev.gpuhub.core.hub.ServerId("alice", "gpu");
      assertThat(get("/user/alice/gpu/api/status", "alice", null).body()).as("no such named server: the default one's path")
          .isEqualTo("default server");
      routes.add(new ProxyRoute(gpu, "127.0.0.1", named.port(), "named-token", false));
      assertThat(get("/user/alice/gpu/api/status", "alice", null).body()).isEqualTo("named server, token named-token");
      assertThat(get("/user/alice/lab", "alice", null).body()).isEqualTo("default lab");
      assertThat(get("/user/alice/gpu/api/status", "bob", null).statusCode()).isEqualTo(403);
      HttpResponse<String> bare = get("/user/alice/gpu", "alice", null);
      assertThat(bare.statusCode()).isEqualTo(302);
      assertThat(bare.headers().firstValue("Location")).hasValue("/user/alice/gpu/");
      assertThat(get("/user/alice/gpu/cookies", "alice", null).headers().allValues("Set-Cookie"))
          .as("a named server's cookies stay within its own prefix").hasSize(2)
          .allSatisfy(c -> assertThat(c).containsPattern("(?i)path=/user/alice/gpu/"));
      var before = routes.lastActivity(gpu).orElseThrow();
      Thread.sleep(20);
      get("/user/alice/gpu/api/status", "alice", null);
      assertThat(routes.lastActivity(gpu).orElseThrow()).as("traffic counts for the named server").isAfter(before);
      routes.remove(gpu);
      assertThat(get("/user/alice/gpu/api/status", "alice", null).body()).isEqualTo("default server");
    } finally {
      named.stop();
    }
  }

  @Test
  void aServerMaySetCookiesOnlyWithinItsOwnPathAndNeverTheHubsSession() throws Exception {
    HttpResponse<String> r = get("/user/alice/cookies", "alice", null);
    assertThat(r.statusCode()).isEqualTo(200);
    List<String> set = r.headers().allValues("Set-Cookie");
    // the hub's session and a Domain cookie are dropped; a path outside /user/alice is re-scoped to it
    assertThat(set).extracting(c -> c.substring(0, c.indexOf('=')))
        .containsExactlyInAnyOrder("own", "bare", "exact", "hubxsrf", "root", "sibling", "dots");
    for (String c : set) {
      if (c.startsWith("bare=")) continue; // no Path: the request's own directory, within the server
      assertThat(c).as(c).containsPattern("(?i)path=/user/alice(/|;|$)").doesNotContain("..").doesNotContainIgnoringCase("path=/;")
          .doesNotContainIgnoringCase("path=/hub");
    }
  }

  @Test
  void anotherSiteCannotWriteToAUsersServerThroughTheHub() throws Exception {
    String url = "http://127.0.0.1:" + hub.port() + "/user/alice/api/echo";
    java.util.function.BiFunction<String, String, Integer> post = (header, value) -> {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("X-Test-User", "alice")
          .POST(HttpRequest.BodyPublishers.ofString("rm -rf"));
      if (header != null) b.header(header, value);
      try {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    assertThat(post.apply("Origin", "https://evil.example")).isEqualTo(403);
    assertThat(post.apply("Origin", "null")).isEqualTo(403);
    assertThat(post.apply("Sec-Fetch-Site", "cross-site")).isEqualTo(403);
    assertThat(post.apply("Sec-Fetch-Site", "same-site")).isEqualTo(403);
    assertThat(post.apply("Origin", "http://127.0.0.1:" + hub.port())).isEqualTo(200);
    assertThat(post.apply("Sec-Fetch-Site", "same-origin")).isEqualTo(200);
    assertThat(post.apply(null, null)).as("a script without a browser's headers").isEqualTo(200);
    assertThatThrownBy(() -> http.newWebSocketBuilder().header("X-Test-User", "alice").header("Origin", "https://evil.example")
        .buildAsync(URI.create("ws://127.0.0.1:" + hub.port() + "/user/alice/api/kernels/k1/channels"), new WebSocket.Listener() {})
        .get(10, TimeUnit.SECONDS)).hasStackTraceContaining("403");
    HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + "/user/alice/api/status"))
        .header("X-Test-User", "alice").header("Sec-Fetch-Site", "cross-site").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(read.statusCode()).as("a cross-site GET (a link) still works").isEqualTo(200);
    // the hub's own page, checked above, reaches the server with the server's own origin, as Jupyter's
    // Origin check for cookie-authenticated writes wants it (it compares Origin with the Host it sees)
    HttpResponse<String> origin = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port()
        + "/user/alice/api/origin")).header("X-Test-User", "alice").header("Origin", "http://127.0.0.1:" + hub.port())
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(origin.body()).isEqualTo("http://127.0.0.1:" + upstream.port());
  }

  @Test
  void othersAndAnonymousAreKeptOut() throws Exception {
    assertThat(get("/user/alice/api/status", "bob", null).statusCode()).isEqualTo(403);
    assertThat(get("/user/alice/api/status", null, null).statusCode()).isEqualTo(403);
    HttpResponse<String> browser = get("/user/alice/tree", null, "text/html");
    assertThat(browser.statusCode()).isEqualTo(302);
    assertThat(browser.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("/hub/login?next=%2Fuser%2Falice%2Ftree"));
  }

  @Test
  void withoutARouteThereIsNoServer() throws Exception {
    routes.remove(dev.gpuhub.core.hub.ServerId.defaultOf("alice"));
    assertThat(get("/user/alice/api/status", "alice", null).statusCode()).isEqualTo(404);
    assertThat(get("/user/alice/tree", "alice", "text/html").statusCode()).isEqualTo(302);
  }

  @Test
  void webSocketsAreRelayedWithTheTokenForTheOwnerOnly() throws Exception {
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocket ws = http.newWebSocketBuilder().header("X-Test-User", "alice")
        .buildAsync(URI.create("ws://127.0.0.1:" + hub.port() + "/user/alice/api/kernels/k1/channels"), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            received.add(data.toString());
            webSocket.request(1);
            return CompletableFuture.completedFuture(null);
          }
        }).get(10, TimeUnit.SECONDS);
    ws.sendText("hello", true).get(5, TimeUnit.SECONDS);
    assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("echo:hello");
    // a server's keep-alive ping must not stall the bridge (Jupyter pings every 30 s)
    for (int i = 0; i < 3; i++) {
      ws.sendText("ping me", true).get(5, TimeUnit.SECONDS);
      assertThat(received.poll(10, TimeUnit.SECONDS)).as("after %d pings", i).isEqualTo("echo:ping me");
    }
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);

    assertThatThrownBy(() -> http.newWebSocketBuilder().header("X-Test-User", "bob")
        .buildAsync(URI.create("ws://127.0.0.1:" + hub.port() + "/user/alice/api/kernels/k1/channels"), new WebSocket.Listener() {})
        .get(10, TimeUnit.SECONDS)).hasStackTraceContaining("status code 403");
  }

  @Test
  void aClientThatDoesNotReadSlowsTheServerDownInsteadOfFillingTheHub() throws Exception {
    java.util.concurrent.atomic.AtomicReference<WebSocket> socket = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
    WebSocket ws = http.newWebSocketBuilder().header("X-Test-User", "alice")
        .buildAsync(URI.create("ws://127.0.0.1:" + hub.port() + "/user/alice/api/flood"), new WebSocket.Listener() {
          @Override
          public void onOpen(WebSocket webSocket) {
            socket.set(webSocket); // asks for nothing: reads no message until the test does
          }

          @Override
          public CompletionStage<?> onBinary(WebSocket webSocket, java.nio.ByteBuffer data, boolean last) {
            if (last) received.incrementAndGet();
            webSocket.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    Thread.sleep(3_000);
    int whileNotReading = floodWritten.get();
    System.out.println("1-MB messages the server wrote in 3 s to a client that reads nothing: " + whileNotReading
        + " of " + FLOOD_MESSAGES);
    // without back-pressure the hub read all 300 into its own memory within the 3 s
    assertThat(whileNotReading).isLessThan(40);
    ws.request(1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (received.get() < FLOOD_MESSAGES && System.nanoTime() < deadline) Thread.sleep(50);
    assertThat(received.get()).as("every message arrives once the client reads").isEqualTo(FLOOD_MESSAGES);
    socket.get().abort();
  }

  @Test
  void oneUserCannotOpenMoreThanTheirShareOfWebSockets() throws Exception {
    java.util.List<WebSocket> open = new java.util.ArrayList<>();
    int refused = 0;
    for (int i = 0; i < WebSocketBridge.PER_USER + 10; i++) {
      try {
        open.add(http.newWebSocketBuilder().header("X-Test-User", "alice")
            .buildAsync(URI.create("ws://127.0.0.1:" + hub.port() + "/user/alice/api/kernels/k1/channels"), new WebSocket.Listener() {})
            .get(10, TimeUnit.SECONDS));
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(e).hasStackTraceContaining("429");
        refused++;
      }
    }
    assertThat(open).hasSize(WebSocketBridge.PER_USER);
    assertThat(refused).isEqualTo(10);
    HttpResponse<String> other = get("/user/alice/api/status", "alice", null);
    assertThat(other.statusCode()).as("plain requests still pass").isEqualTo(200);
    open.get(0).sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    WebSocket again = null;
    while (again == null && System.nanoTime() < deadline) {
      try {
        again = http.newWebSocketBuilder().header("X-Test-User", "alice")
            .buildAsync(URI.create("ws://127.0.0.1:" + hub.port() + "/user/alice/api/kernels/k1/channels"), new WebSocket.Listener() {})
            .get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        Thread.sleep(100);
      }
    }
    assertThat(again).as("a closed WebSocket gives its place back").isNotNull();
    open.forEach(WebSocket::abort);
    again.abort();
  }

  @Test
  void activityIsRecorded() throws Exception {
    var before = routes.lastActivity(dev.gpuhub.core.hub.ServerId.defaultOf("alice")).orElseThrow();
    Thread.sleep(20);
    get("/user/alice/api/status", "alice", null);
    assertThat(routes.lastActivity(dev.gpuhub.core.hub.ServerId.defaultOf("alice")).orElseThrow()).isAfter(before);
  }

  @Test
  void pathsAndCookiesAreParsed() {
    assertThat(UserServerProxyServlet.ownerOf("/user/alice/api")).isEqualTo("alice");
    assertThat(UserServerProxyServlet.ownerOf("/user/alice")).isEqualTo("alice");
    assertThat(UserServerProxyServlet.ownerOf("/user/")).isNull();
    assertThat(HubCredentials.withoutSessionCookie("gpuhub-session=x")).isNull();
    assertThat(HubCredentials.withoutSessionCookie("a=1; gpuhub-session=x; b=2")).isEqualTo("a=1; b=2");
  }
}
