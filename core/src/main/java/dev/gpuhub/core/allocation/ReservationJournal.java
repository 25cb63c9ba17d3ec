package dev.gpuhub.core.allocation;

import java.util.Collection;
import java.util.List;

/**
 * Where the {@link PlacementEngine} makes its reservations durable. Each call is one transaction:
 * it writes all or nothing and throws when it could not, in which case the engine undoes the change
 * in memory too. Called under the engine's lock, in decision order.
 */
public interface ReservationJournal {
  /** Stores new reservations. */
  void added(List<Reservation> reservations);

  /** Replaces stored reservations with these (same ids). */
  void updated(List<Reservation> reservations);

  /** Deletes reservations by id; unknown ids are ignored. */
  void removed(Collection<String> ids);

  /** Every stored reservation, to restore after a restart. */
  List<Reservation> all();

  /** A journal that keeps nothing (for tests and the benchmark's in-memory runs). */
  static ReservationJournal none() {
    return new ReservationJournal() {
      @Override public void added(List<Reservation> r) {}
      @Override public void updated(List<Reservation> r) {}
      @Override public void removed(Collection<String> ids) {}
      @Override public List<Reservation> all() {
        return List.of();
      }
    };
  }
}
