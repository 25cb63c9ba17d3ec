package dev.gpuhub.server.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /svc/<name>/} against a stand-in replica that shows what it received and sets cookies. */
class ServiceProxyTest {
  private Javalin replica;
  private Javalin hub;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    replica = Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      c.routes.get("/svc/vote/echo", ctx -> {
        ctx.res().addHeader("Set-Cookie", "ballot=1; Path=/svc/vote/");
        ctx.res().addHeader("Set-Cookie", "gpuhub-session=forged; Path=/");
        ctx.res().addHeader("Set-Cookie", "_xsrf=forged; Path=/hub/");
        ctx.json(Map.of("authorization", String.valueOf(ctx.header("Authorization")),
            "cookie", String.valueOf(ctx.header("Cookie"))));
      });
    }).start("127.0.0.1", 0);
    ServiceRouter router = new ServiceRouter();
    router.strategy("vote", "round_robin");
    router.add(new ServiceReplica("vote", 1, "n1", "127.0.0.1", replica.port(), "c1"));
    ServiceProxyServlet servlet = new ServiceProxyServlet(router, new RequestMeter(), "vote"::equals);
    hub = Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      c.jetty.modifyServletContextHandler(h -> h.addServlet(new ServletHolder(servlet), "/svc/*"));
    }).start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    hub.stop();
    replica.stop();
  }

  @Test
  void aReplicaNeverSeesTheUsersHubCredentialsNorSetsTheHubsCookies() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + "/svc/vote/echo"))
        .header("Authorization", "token hub-api-token-of-the-user")
        .header("Cookie", "gpuhub-session=secret-session; theme=dark").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"authorization\":\"null\"", "\"cookie\":\"theme=dark\"")
        .doesNotContain("secret-session", "hub-api-token");
    // the hub's session cookie is dropped; one for the hub's path is re-scoped to the service's own
    assertThat(r.headers().allValues("Set-Cookie")).hasSize(2).noneMatch(c -> c.startsWith("gpuhub-session"))
        .allSatisfy(c -> assertThat(c).containsIgnoringCase("Path=/svc/vote/"));
  }
}
