package dev.gpuhub.core.allocation;

import java.util.List;

/**
 * What the placement engine would do with a request now, decided by the same rules as a real
 * placement but reserving nothing (Nomad's {@code job plan}).
 *
 * @param chosen     the nodes a placement now would take, primary first; empty when it would wait
 * @param candidates every live node: those chosen first (in order), then the other eligible nodes by
 *                   rank, then those without room, each with its score or the reason
 * @param waitReason why the request would wait (too few nodes with room, earlier requests queued);
 *                   null when it would be placed
 * @param exact      false when the policy's next choice cannot be told in advance (random, weighted
 *                   round robin): {@code chosen} is then the best-ranked nodes, not a promise
 */
public record PlacementPreview(List<String> chosen, List<Candidate> candidates, String waitReason, boolean exact) {
  public PlacementPreview {
    chosen = List.copyOf(chosen);
    candidates = List.copyOf(candidates);
  }

  /**
   * One node's standing.
   *
   * @param score     higher is better for the request's policy (spread: free share after placing;
   *                  pack: used share after placing; seed algorithms: the selector's fitness); null when not eligible
   * @param rejection why the node has no room, or null when it has
   */
  public record Candidate(String hostname, boolean eligible, Double score, String rejection) {}

  /** Whether the request would be placed now. */
  public boolean placed() {
    return waitReason == null;
  }
}
