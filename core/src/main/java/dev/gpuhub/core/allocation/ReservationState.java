package dev.gpuhub.core.allocation;

/**
 * Life of a {@link Reservation}:
 *
 * <pre>
 *   (decision) ──> HELD ──container runs──> BOUND ──stop / failure──> (released, gone)
 *                   └──hold timeout, nothing started──> (released, gone)
 * </pre>
 */
public enum ReservationState {
  /** Taken by a placement decision; nothing runs yet; expires at {@link Reservation#expiresAt()}. */
  HELD,
  /** The owner's container runs (or the owner said it will hold the node); no expiry. */
  BOUND
}
