package dev.gpuhub.core.allocation;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A submitted placement request: {@link #result()} completes with the {@link Placement} once the
 * request is placed (at once when there is room), or exceptionally with
 * {@link dev.gpuhub.core.placement.NotEnoughNodesException} (it can never fit, or the queue wait
 * ran out) or {@link java.util.concurrent.CancellationException} (cancelled or released).
 */
public final class PlacementTicket {
  private final PlacementRequest request;
  private final Instant askedAt;
  private final Instant since;
  private final Instant deadline;
  private final CompletableFuture<Placement> result = new CompletableFuture<>();
  private volatile Map<String, String> why = Map.of();

  PlacementTicket(PlacementRequest request, Instant askedAt, Instant since, Instant deadline) {
    this.request = request;
    this.askedAt = askedAt;
    this.since = since;
    this.deadline = deadline;
  }

  public PlacementRequest request() {
    return request;
  }

  public CompletableFuture<Placement> result() {
    return result;
  }

  /** When the request was first asked for (its place in the queue). */
  public Instant askedAt() {
    return askedAt;
  }

  /** When it reached the engine. */
  public Instant since() {
    return since;
  }

  Instant deadline() {
    return deadline;
  }

  Map<String, String> why() {
    return why;
  }

  void why(Map<String, String> reasons) {
    this.why = Map.copyOf(reasons);
  }
}
