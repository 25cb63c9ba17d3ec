package dev.gpuhub.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient.Request;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconnectingDockerHttpClientTest {
  /** Answers each request with the next outcome: a RuntimeException is thrown, anything else answers 200. */
  private static final class Scripted implements DockerHttpClient {
    final Deque<RuntimeException> failures = new ArrayDeque<>();
    final List<String> sent = new ArrayList<>();

    @Override
    public Response execute(Request request) {
      sent.add(request.method() + " " + request.path() + " " + (request.body() == null ? "" : new String(readAll(request))));
      RuntimeException next = failures.poll();
      if (next != null) throw next;
      return new Response() {
        @Override public int getStatusCode() { return 200; }
        @Override public Map<String, List<String>> getHeaders() { return Map.of(); }
        @Override public java.io.InputStream getBody() { return new ByteArrayInputStream(new byte[0]); }
        @Override public void close() {}
      };
    }

    private static byte[] readAll(Request request) {
      try {
        return request.body().readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {}
  }

  private static Request post() {
    return Request.builder().method(Request.Method.POST).path("/containers/create?name=x").bodyBytes("{\"Image\":\"i\"}".getBytes())
        .build();
  }

  @Test
  void aRequestThatFoundItsPooledConnectionClosedIsSentOnceMoreWithItsBody() {
    Scripted daemon = new Scripted();
    daemon.failures.add(new UncheckedIOException(new IOException("Broken pipe")));
    try (var response = new ReconnectingDockerHttpClient(daemon).execute(post())) {
      assertThat(response.getStatusCode()).isEqualTo(200);
    }
    assertThat(daemon.sent).containsExactly("POST /containers/create?name=x {\"Image\":\"i\"}",
        "POST /containers/create?name=x {\"Image\":\"i\"}");
  }

  @Test
  void onlyOnceAndOnlyForAConnectionTheDaemonClosed() {
    Scripted twice = new Scripted();
    twice.failures.add(new RuntimeException(new IOException("Connection reset by peer")));
    twice.failures.add(new RuntimeException(new IOException("Connection reset by peer")));
    assertThatThrownBy(() -> new ReconnectingDockerHttpClient(twice).execute(post())).hasRootCauseMessage("Connection reset by peer");
    assertThat(twice.sent).hasSize(2);

    Scripted gone = new Scripted(); // no daemon on the socket: not a stale connection, not retried
    gone.failures.add(new RuntimeException(new IOException("No such file or directory")));
    assertThatThrownBy(() -> new ReconnectingDockerHttpClient(gone).execute(post())).hasRootCauseMessage("No such file or directory");
    assertThat(gone.sent).hasSize(1);

    assertThat(ReconnectingDockerHttpClient.closedByThePeer(new IllegalStateException("Broken pipe"))).as("not an IOException")
        .isFalse();

    Scripted upload = new Scripted(); // an archive streamed into the daemon cannot be sent twice
    upload.failures.add(new RuntimeException(new IOException("Broken pipe")));
    Request streamed = Request.builder().method(Request.Method.PUT).path("/containers/x/archive?path=/")
        .body(new ByteArrayInputStream("tar".getBytes())).build();
    assertThatThrownBy(() -> new ReconnectingDockerHttpClient(upload).execute(streamed)).hasRootCauseMessage("Broken pipe");
    assertThat(upload.sent).hasSize(1);
  }
}
