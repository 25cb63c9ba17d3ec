package dev.gpuhub.server.workload;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** {@link ReadinessProbe} over HTTP/1.1 with 2 s timeouts. */
public final class HttpReadinessProbe implements ReadinessProbe {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(TIMEOUT).build();

  @Override
  public boolean answers(Readiness readiness) throws InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(readiness.url()).timeout(TIMEOUT).GET();
    if (readiness.token() != null) b.header("Authorization", "token " + readiness.token());
    try {
      int status = http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      return readiness.kind() != Readiness.Kind.JUPYTER || status == 200;
    } catch (IOException notYet) {
      return false;
    }
  }
}
