package dev.gpuhub.runtime.docker;

import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Docker HTTP client that sends a request once more, on a new connection, when its first try
 * found the connection already closed by the daemon: a pooled connection to a dockerd that has
 * restarted since (broken pipe or connection reset on writing, no response at all). The daemon
 * never saw such a request, so the second try is its first. Requests whose body or input is a
 * stream (archive uploads, attach) cannot be sent twice and, like every other failure, go through
 * as they are.
 */
final class ReconnectingDockerHttpClient implements DockerHttpClient {
  private static final Logger LOG = LoggerFactory.getLogger(ReconnectingDockerHttpClient.class);
  private final DockerHttpClient delegate;

  ReconnectingDockerHttpClient(DockerHttpClient delegate) {
    this.delegate = delegate;
  }

  @Override
  public Response execute(Request request) {
    try {
      return delegate.execute(request);
    } catch (RuntimeException e) {
      Request again = replay(request);
      if (again == null || !closedByThePeer(e)) throw e;
      LOG.info("the docker daemon had closed a pooled connection ({}); sending {} {} again on a new one",
          e.getMessage(), request.method(), request.path());
      return delegate.execute(again);
    }
  }

  /**
   * A fresh copy of {@code request} (its body stream is spent), or null when it cannot be sent
   * twice: its body or its input is a stream.
   */
  static Request replay(Request request) {
    if (request.hijackedInput() != null || (request.bodyBytes() == null && request.body() != null)) return null;
    Request.Builder copy = Request.builder();
    copy.method(request.method()).path(request.path()).headers(request.headers());
    if (request.bodyBytes() != null) copy.bodyBytes(request.bodyBytes());
    return copy.build();
  }

  /** Whether {@code e} says the connection was closed by the other side before an answer began. */
  static boolean closedByThePeer(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (!(t instanceof IOException)) continue;
      String name = t.getClass().getSimpleName();
      String message = String.valueOf(t.getMessage());
      if (name.equals("NoHttpResponseException") || name.equals("ConnectionClosedException")
          || message.contains("Broken pipe") || message.contains("Connection reset")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
