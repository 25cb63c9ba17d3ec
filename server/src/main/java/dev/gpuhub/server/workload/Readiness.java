package dev.gpuhub.server.workload;

import java.net.URI;

/**
 * When a started container counts as ready.
 *
 * <ul>
 *   <li>{@link Kind#NONE}: started is enough (training job replicas report on their own);</li>
 *   <li>{@link Kind#STILL_RUNNING}: it still runs a moment after its start (workers, which serve nothing);</li>
 *   <li>{@link Kind#HTTP}: {@code url} answers HTTP at all (service replicas);</li>
 *   <li>{@link Kind#JUPYTER}: {@code url} answers 200 to {@code Authorization: token <token>} (Jupyter's
 *       {@code api/status}: servers and kernel hosts).</li>
 * </ul>
 */
public record Readiness(Kind kind, URI url, String token) {
  public enum Kind { NONE, STILL_RUNNING, HTTP, JUPYTER }

  public static Readiness none() {
    return new Readiness(Kind.NONE, null, null);
  }

  public static Readiness stillRunning() {
    return new Readiness(Kind.STILL_RUNNING, null, null);
  }

  public static Readiness http(URI url) {
    return new Readiness(Kind.HTTP, url, null);
  }

  public static Readiness jupyter(URI statusUrl, String token) {
    return new Readiness(Kind.JUPYTER, statusUrl, token);
  }

  /** Whether readiness is asked of the container over HTTP. */
  public boolean probed() {
    return kind == Kind.HTTP || kind == Kind.JUPYTER;
  }
}
