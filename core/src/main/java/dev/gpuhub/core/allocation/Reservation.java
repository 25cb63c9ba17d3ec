package dev.gpuhub.core.allocation;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Resources one placement decision holds on one node: cores, memory, one container slot and
 * specific GPU devices. Reservations of one decision share an {@code owner}; all of an owner's
 * reservations are released together.
 *
 * @param id          unique, assigned by the {@link PlacementEngine}
 * @param owner       who holds it, e.g. {@code server:alice} or {@code selection:42}
 * @param profile     profile name, for display; may be null
 * @param hostname    the node
 * @param cpu         cores held (the profile's per-node requirement)
 * @param memoryGb    GB of memory held
 * @param gpuUuids    the GPU devices held exclusively, by UUID; empty for CPU-only requests
 * @param state       HELD until bound, then BOUND
 * @param createdAt   when the decision was taken
 * @param expiresAt   when a HELD reservation lapses; null once BOUND
 * @param boundAt     when it was bound; null while HELD
 * @param containerId the container it was bound to, or null (e.g. a node held for kernels)
 */
public record Reservation(String id, String owner, String profile, String hostname, double cpu, double memoryGb,
                          List<String> gpuUuids, ReservationState state, Instant createdAt, Instant expiresAt,
                          Instant boundAt, String containerId) {

  public Reservation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    gpuUuids = gpuUuids == null ? List.of() : List.copyOf(gpuUuids);
    if (cpu < 0 || memoryGb < 0) throw new IllegalArgumentException("reserved cpu and memory must be >= 0");
    if (state == ReservationState.HELD && expiresAt == null) {
      throw new IllegalArgumentException("a held reservation needs an expiry");
    }
  }

  /** This reservation bound at {@code at}, to {@code container} (may be null). */
  public Reservation bound(Instant at, String container) {
    return new Reservation(id, owner, profile, hostname, cpu, memoryGb, gpuUuids, ReservationState.BOUND, createdAt,
        null, at, container);
  }

  /**
   * Whether a node report taken at {@code reportedAt} already counts this reservation's container:
   * only a bound one whose container started before the report was taken.
   */
  public boolean visibleIn(Instant reportedAt) {
    return state == ReservationState.BOUND && containerId != null && boundAt != null && boundAt.isBefore(reportedAt);
  }
}
