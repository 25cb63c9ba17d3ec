package dev.gpuhub.server.workload;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@link ReadinessProbe} over HTTP/1.1 with 2 s timeouts; sends no credentials and follows no
 * redirect. An {@code https} URL is answered only by a server holding a certificate of the
 * cluster CA for the address dialled ({@link WorkloadTls}): the proof that the container the hub
 * started answers, not whatever else listens on its port.
 */
public final class HttpReadinessProbe implements ReadinessProbe {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private final HttpClient http;

  public HttpReadinessProbe() {
    this(WorkloadTls.off());
  }

  public HttpReadinessProbe(WorkloadTls tls) {
    this.http = tls.httpClient().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
  }

  @Override
  public boolean answers(Readiness readiness) throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(readiness.url()).timeout(TIMEOUT).GET().build(); // no credentials
    try {
      int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      return readiness.kind() != Readiness.Kind.JUPYTER || status == 200;
    } catch (IOException notYet) {
      return false;
    }
  }
}
