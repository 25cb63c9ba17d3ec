package dev.gpuhub.store;

import static dev.gpuhub.store.TestData.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.allocation.Reservation;
import dev.gpuhub.core.allocation.ReservationJournal;
import dev.gpuhub.core.allocation.ReservationState;
import dev.gpuhub.store.jdbc.JdbcClusterRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every durable {@link ReservationJournal} must do; subclasses bind it to one database. */
public abstract class ReservationJournalContract {
  private JdbcClusterRepository cluster;
  protected ReservationJournal journal;

  /** Makes the next {@link #open()} calls use a new, empty database. */
  protected abstract void useEmptyDatabase();

  /** Opens (and migrates) a repository on the current database; may be called again after close. */
  protected abstract JdbcClusterRepository open();

  @BeforeEach
  void openRepository() {
    useEmptyDatabase();
    cluster = open();
    journal = cluster.reservations();
  }

  @AfterEach
  void closeRepository() {
    cluster.close();
  }

  /** A held GPU reservation created {@code secondsAfterT0} after {@link TestData#T0}. */
  private static Reservation held(String id, String owner, String hostname, long secondsAfterT0,
      List<String> gpus) {
    Instant created = T0.plusSeconds(secondsAfterT0);
    return new Reservation(id, owner, "single-gpu", hostname, 4, 8.5, gpus, ReservationState.HELD,
        created, created.plusSeconds(120), null, null);
  }

  @Test
  void aFreshDatabaseHasNoReservations() {
    assertThat(journal.all()).isEmpty();
  }

  @Test
  void addedReservationsComeBackWholeOrderedByCreationThenId() {
    Reservation late = held("r-3", "server:alice", "h1", 20, List.of("GPU-aaaa", "GPU-bbbb"));
    Reservation b = held("r-b", "selection:42", "h2", 10, List.of());
    Reservation a = held("r-a", "selection:42", "h3", 10, List.of("GPU-cccc"));
    Reservation cpuOnly = new Reservation("r-0", "server:bob", null, "h4", 2, 2, null,
        ReservationState.HELD, T0, T0.plusSeconds(60), null, null);
    journal.added(List.of(late, b));
    journal.added(List.of(a, cpuOnly));

    assertThat(journal.all()).containsExactly(cpuOnly, a, b, late);
    Reservation stored = journal.all().get(3);
    assertThat(stored.gpuUuids()).containsExactly("GPU-aaaa", "GPU-bbbb");
    assertThat(stored.cpu()).isEqualTo(4);
    assertThat(stored.memoryGb()).isEqualTo(8.5);
    assertThat(stored.expiresAt()).isEqualTo(T0.plusSeconds(140));
    assertThat(stored.boundAt()).isNull();
    assertThat(stored.containerId()).isNull();
    assertThat(journal.all().get(0).profile()).isNull();
    assertThat(journal.all().get(0).gpuUuids()).isEmpty();
  }

  @Test
  void updatedReplacesEveryColumnButTheId() {
    Reservation r = held("r-1", "server:alice", "h1", 0, List.of("GPU-aaaa"));
    Reservation other = held("r-2", "server:alice", "h2", 0, List.of("GPU-dddd"));
    journal.added(List.of(r, other));

    Reservation bound = r.bound(T0.plusSeconds(30), "c0ffee");
    journal.updated(List.of(bound));
    assertThat(journal.all()).containsExactly(bound, other);
    Reservation stored = journal.all().get(0);
    assertThat(stored.state()).isEqualTo(ReservationState.BOUND);
    assertThat(stored.expiresAt()).isNull();
    assertThat(stored.boundAt()).isEqualTo(T0.plusSeconds(30));
    assertThat(stored.containerId()).isEqualTo("c0ffee");

    // a bound reservation without a container (a node held for kernels); every column changes
    Reservation changed = new Reservation("r-1", "selection:7", "multi-gpu", "h9", 8, 16,
        List.of("GPU-eeee", "GPU-ffff"), ReservationState.BOUND, T0.plusSeconds(5), null,
        T0.plusSeconds(40), null);
    journal.updated(List.of(changed, other.bound(T0.plusSeconds(41), "beef")));
    // changed was created after other now
    assertThat(journal.all()).containsExactly(other.bound(T0.plusSeconds(41), "beef"), changed);
  }

  @Test
  void removedDeletesByIdAndIgnoresUnknownIds() {
    Reservation a = held("r-a", "server:alice", "h1", 0, List.of("GPU-aaaa"));
    Reservation b = held("r-b", "server:alice", "h2", 1, List.of());
    Reservation c = held("r-c", "server:bob", "h1", 2, List.of());
    journal.added(List.of(a, b, c));

    journal.removed(List.of("r-a", "nope", "r-c", "r-a"));
    assertThat(journal.all()).containsExactly(b);
    journal.removed(Set.of("unknown"));
    journal.removed(List.of());
    assertThat(journal.all()).containsExactly(b);
    journal.removed(List.of("r-b"));
    assertThat(journal.all()).isEmpty();
  }

  @Test
  void emptyBatchesWriteNothing() {
    journal.added(List.of());
    journal.updated(List.of());
    assertThat(journal.all()).isEmpty();
  }

  @Test
  void aBatchWithADuplicateIdFailsAndWritesNothing() {
    Reservation first = held("r-1", "server:alice", "h1", 0, List.of("GPU-aaaa"));
    Reservation clash = held("r-1", "server:bob", "h2", 1, List.of());
    assertThatThrownBy(() -> journal.added(List.of(
        held("r-0", "server:alice", "h3", 0, List.of()), first, clash)))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot store 3 reservations");
    assertThat(journal.all()).isEmpty();

    journal.added(List.of(first));
    assertThatThrownBy(() -> journal.added(List.of(held("r-2", "server:bob", "h2", 1, List.of()), clash)))
        .isInstanceOf(StoreException.class);
    assertThat(journal.all()).containsExactly(first);
  }

  @Test
  void updatingAnUnknownReservationFailsAndWritesNothing() {
    Reservation stored = held("r-1", "server:alice", "h1", 0, List.of());
    journal.added(List.of(stored));
    assertThatThrownBy(() -> journal.updated(List.of(stored.bound(T0.plusSeconds(9), "c1"),
        held("ghost", "server:bob", "h2", 0, List.of()))))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot update 2 reservations")
        .hasMessageContaining("ghost");
    assertThat(journal.all()).containsExactly(stored);
  }

  @Test
  void aTooLongValueFailsTheWholeBatch() {
    Reservation ok = held("r-1", "server:alice", "h1", 0, List.of());
    Reservation tooLong = held("r-2", "x".repeat(300), "h1", 0, List.of());
    assertThatThrownBy(() -> journal.added(List.of(ok, tooLong))).isInstanceOf(StoreException.class);
    assertThat(journal.all()).isEmpty();

    journal.added(List.of(ok));
    Reservation other = held("r-3", "server:bob", "h2", 0, List.of());
    journal.added(List.of(other));
    assertThatThrownBy(() -> journal.updated(List.of(other.bound(T0.plusSeconds(1), "c"),
        held("r-1", "y".repeat(300), "h1", 0, List.of()))))
        .isInstanceOf(StoreException.class);
    assertThat(journal.all()).containsExactly(ok, other);
  }

  @Test
  void timestampsAreKeptToTheMicrosecond() {
    Instant created = T0.plusNanos(789); // T0 has microseconds; the extra nanoseconds are dropped
    Reservation r = new Reservation("r-1", "server:alice", null, "h1", 1, 1, List.of(),
        ReservationState.HELD, created, created.plusSeconds(60), null, null);
    journal.added(List.of(r));
    Reservation stored = journal.all().get(0);
    assertThat(stored.createdAt()).isEqualTo(T0);
    assertThat(stored.expiresAt()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void reservationsSurviveARestart() {
    List<Reservation> many = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      many.add(held(String.format("r-%03d", i), "selection:" + (i / 4), "node-" + (i % 10), i,
          i % 2 == 0 ? List.of("GPU-" + i) : List.of()));
    }
    journal.added(many);
    Reservation bound = many.get(7).bound(T0.plusSeconds(500), "container-7");
    journal.updated(List.of(bound));
    cluster.close();
    cluster = open();
    journal = cluster.reservations();
    List<Reservation> expected = new ArrayList<>(many);
    expected.set(7, bound);
    assertThat(journal.all()).containsExactlyElementsOf(expected);
  }
}
