package dev.gpuhub.core.allocation;

import java.util.List;
import java.util.Map;

/**
 * A decision the {@link PlacementEngine} took and holds: one reservation per chosen node, primary
 * first.
 *
 * @param owner             who holds it
 * @param reservations      primary first; GPU UUIDs in each are exclusively this owner's
 * @param rejected          nodes that had no room at decision time, with the reason
 * @param roundRobinCounter the seed round-robin counter after the decision
 */
public record Placement(String owner, List<Reservation> reservations, Map<String, String> rejected,
                        long roundRobinCounter) {
  public Placement {
    reservations = List.copyOf(reservations);
    rejected = Map.copyOf(rejected);
  }

  /** The chosen nodes, primary first. */
  public List<String> hostnames() {
    return reservations.stream().map(Reservation::hostname).toList();
  }

  /** The reservation on the primary node. */
  public Reservation primary() {
    return reservations.get(0);
  }
}
