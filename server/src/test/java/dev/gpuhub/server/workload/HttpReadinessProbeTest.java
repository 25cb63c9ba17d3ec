package dev.gpuhub.server.workload;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A readiness probe tells whatever listens on a workload's port nothing: no credential, no cookie. */
class HttpReadinessProbeTest {
  @Test
  void aJupyterProbeSendsNoSecretAndNeeds200() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer squatter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    int[] status = {200};
    squatter.createContext("/", exchange -> {
      seen.add(exchange.getRequestURI().getPath() + " auth=" + exchange.getRequestHeaders().getFirst("Authorization")
          + " cookie=" + exchange.getRequestHeaders().getFirst("Cookie") + " query=" + exchange.getRequestURI().getQuery());
      exchange.sendResponseHeaders(status[0], -1);
      exchange.close();
    });
    squatter.start();
    try {
      URI api = URI.create("http://127.0.0.1:" + squatter.getAddress().getPort() + "/user/alice/api");
      HttpReadinessProbe probe = new HttpReadinessProbe();
      assertThat(probe.answers(Readiness.jupyter(api))).isTrue();
      status[0] = 403;
      assertThat(probe.answers(Readiness.jupyter(api))).isFalse();
      assertThat(probe.answers(Readiness.http(api))).as("a service only needs to answer").isTrue();
      assertThat(seen).containsOnly("/user/alice/api auth=null cookie=null query=null");
    } finally {
      squatter.stop(0);
    }
  }
}
