package dev.gpuhub.store.jdbc;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.gpuhub.core.allocation.Reservation;
import dev.gpuhub.core.allocation.ReservationJournal;
import dev.gpuhub.core.allocation.ReservationState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * {@link ReservationJournal} on table {@code reservations}. Every call is one transaction: all
 * rows are written or none, and a failure surfaces as {@link dev.gpuhub.store.StoreException}
 * naming the operation. Timestamps are kept to the microsecond (what both databases store); the
 * state is stored in lower case ({@code held}, {@code bound}) and the GPU UUIDs as a JSON array.
 */
public final class JdbcReservationJournal implements ReservationJournal {
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  /** Columns {@link #bindMutable} binds, in order (everything but id). */
  private static final String MUTABLE = "owner, profile, hostname, cpu, memory_gb, gpu_uuids, state,"
      + " created_at, expires_at, bound_at, container_id";
  private static final int MUTABLE_COUNT = 11;
  private static final String SELECT = "SELECT id, " + MUTABLE + " FROM reservations";

  private final Jdbc jdbc;
  private final SqlDialect dialect;

  JdbcReservationJournal(Jdbc jdbc, SqlDialect dialect) {
    this.jdbc = jdbc;
    this.dialect = dialect;
  }

  /** Inserts the reservations; an id that is already stored (or repeated) fails the whole batch. */
  @Override
  public void added(List<Reservation> reservations) {
    if (reservations.isEmpty()) return;
    jdbc.write("store " + describe(reservations), c -> {
      String sql = "INSERT INTO reservations (" + MUTABLE + ", id) VALUES (" + mutablePlaceholders() + ", ?)";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (Reservation r : reservations) {
          bindMutable(ps, r);
          ps.setString(MUTABLE_COUNT + 1, r.id());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  /**
   * Replaces every column but the id of each reservation; fails, writing nothing, when one of them
   * is not stored (the journal would otherwise silently lose it).
   */
  @Override
  public void updated(List<Reservation> reservations) {
    if (reservations.isEmpty()) return;
    jdbc.write("update " + describe(reservations), c -> {
      String sql = "UPDATE reservations SET owner = ?, profile = ?, hostname = ?, cpu = ?, memory_gb = ?,"
          + " gpu_uuids = " + dialect.jsonParameter() + ", state = ?, created_at = ?, expires_at = ?,"
          + " bound_at = ?, container_id = ? WHERE id = ?";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (Reservation r : reservations) {
          bindMutable(ps, r);
          ps.setString(MUTABLE_COUNT + 1, r.id());
          ps.addBatch();
        }
        int[] counts = ps.executeBatch();
        for (int i = 0; i < counts.length; i++) {
          // SUCCESS_NO_INFO (-2) says nothing either way; 0 means no such row
          if (counts[i] == 0) {
            throw new SQLException("reservation " + reservations.get(i).id() + " is not stored");
          }
        }
      }
      return null;
    });
  }

  /** Deletes the reservations with these ids; unknown ids are ignored. */
  @Override
  public void removed(Collection<String> ids) {
    Set<String> unique = new LinkedHashSet<>();
    for (String id : ids) {
      if (id != null) unique.add(id);
    }
    if (unique.isEmpty()) return;
    jdbc.write("remove " + (unique.size() == 1 ? "reservation " + unique.iterator().next()
        : unique.size() + " reservations"), c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM reservations WHERE id = ?")) {
        for (String id : unique) {
          ps.setString(1, id);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  /** Every stored reservation, oldest first (by created_at, then id). */
  @Override
  public List<Reservation> all() {
    return jdbc.read("list reservations", c -> {
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery(SELECT + " ORDER BY created_at, id")) {
        List<Reservation> rows = new ArrayList<>();
        while (rs.next()) rows.add(row(rs));
        return rows;
      }
    });
  }

  private String mutablePlaceholders() {
    return "?, ?, ?, ?, ?, " + dialect.jsonParameter() + ", ?, ?, ?, ?, ?";
  }

  /** Binds the {@link #MUTABLE} columns of {@code r} as parameters 1 to {@link #MUTABLE_COUNT}. */
  private static void bindMutable(PreparedStatement ps, Reservation r) throws SQLException {
    int i = 1;
    ps.setString(i++, r.owner());
    ps.setString(i++, r.profile());
    ps.setString(i++, r.hostname());
    ps.setDouble(i++, r.cpu());
    ps.setDouble(i++, r.memoryGb());
    ps.setString(i++, Jdbc.toJson(r.gpuUuids()));
    ps.setString(i++, dbValue(r.state()));
    ps.setObject(i++, Jdbc.utc(micros(r.createdAt())));
    ps.setObject(i++, Jdbc.utc(micros(r.expiresAt())));
    ps.setObject(i++, Jdbc.utc(micros(r.boundAt())));
    ps.setString(i, r.containerId());
  }

  private static Reservation row(ResultSet rs) throws SQLException {
    String id = rs.getString("id");
    String state = rs.getString("state");
    try {
      return new Reservation(id, rs.getString("owner"), rs.getString("profile"), rs.getString("hostname"),
          rs.getDouble("cpu"), rs.getDouble("memory_gb"), Jdbc.fromJson(rs.getString("gpu_uuids"), STRINGS),
          fromDb(state), Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "expires_at"),
          Jdbc.instant(rs, "bound_at"), rs.getString("container_id"));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new SQLException("reservation " + id + " is stored inconsistently: " + e.getMessage(), e);
    }
  }

  static String dbValue(ReservationState state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  static ReservationState fromDb(String value) {
    for (ReservationState s : ReservationState.values()) {
      if (dbValue(s).equals(value)) return s;
    }
    throw new IllegalArgumentException("unknown state '" + value + "'");
  }

  private static Instant micros(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
  }

  private static String describe(List<Reservation> reservations) {
    Objects.requireNonNull(reservations, "reservations");
    return reservations.size() == 1 ? "reservation " + reservations.get(0).id()
        : reservations.size() + " reservations";
  }
}
