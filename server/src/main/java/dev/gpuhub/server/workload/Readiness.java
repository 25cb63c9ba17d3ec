package dev.gpuhub.server.workload;

import java.net.URI;

/**
 * When a started container counts as ready.
 *
 * <ul>
 *   <li>{@link Kind#NONE}: started is enough (training job replicas report on their own);</li>
 *   <li>{@link Kind#STILL_RUNNING}: it still runs a moment after its start (workers, which serve nothing);</li>
 *   <li>{@link Kind#HTTP}: {@code url} answers HTTP at all (service replicas);</li>
 *   <li>{@link Kind#JUPYTER}: {@code url} answers 200 (Jupyter's unauthenticated {@code api}: servers and
 *       kernel hosts).</li>
 * </ul>
 * Probes carry no secret: whatever listens on a workload's port learns nothing from them, and a
 * container counts as ready only while it still runs.
 */
public record Readiness(Kind kind, URI url) {
  public enum Kind { NONE, STILL_RUNNING, HTTP, JUPYTER }

  public static Readiness none() {
    return new Readiness(Kind.NONE, null);
  }

  public static Readiness stillRunning() {
    return new Readiness(Kind.STILL_RUNNING, null);
  }

  public static Readiness http(URI url) {
    return new Readiness(Kind.HTTP, url);
  }

  /** Jupyter answers 200 at {@code apiUrl}, its base URL followed by {@code api}. */
  public static Readiness jupyter(URI apiUrl) {
    return new Readiness(Kind.JUPYTER, apiUrl);
  }

  /** Whether readiness is asked of the container over HTTP. */
  public boolean probed() {
    return kind == Kind.HTTP || kind == Kind.JUPYTER;
  }
}
