package dev.gpuhub.store.jdbc;

import dev.gpuhub.store.HubUserRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Table {@code hub_users}; a clash on the unique name becomes a DuplicateNameException. */
final class HubUserTable {
  /** Columns of a user, qualified by alias {@code u} so joins can reuse them. */
  static final String COLUMNS = "u.id, u.name, u.password_hash, u.admin, u.created_at, u.last_login, u.approved";

  private final Jdbc jdbc;
  private final Clock clock;

  HubUserTable(Jdbc jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  HubUserRecord create(String name, String passwordHash, boolean admin, boolean approved) {
    // both databases keep microseconds: truncate so the returned record equals what is stored
    Instant createdAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
    return UniqueClash.orDuplicate("user name '" + name + "' is already taken",
        () -> jdbc.write("create hub user '" + name + "'", c -> {
          String sql = "INSERT INTO hub_users (name, password_hash, admin, created_at, approved) VALUES (?, ?, ?, ?, ?)";
          try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, name);
            ps.setString(2, passwordHash);
            ps.setBoolean(3, admin);
            ps.setObject(4, Jdbc.utc(createdAt));
            ps.setBoolean(5, approved);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
              if (!keys.next()) throw new SQLException("the database returned no id for the new user");
              return new HubUserRecord(keys.getLong("id"), name, passwordHash, admin, createdAt, null, approved);
            }
          }
        }));
  }

  Optional<HubUserRecord> find(String name) {
    return jdbc.read("read hub user '" + name + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + COLUMNS + " FROM hub_users u WHERE u.name = ?")) {
        ps.setString(1, name);
        return query(ps).stream().findFirst();
      }
    });
  }

  List<HubUserRecord> all() {
    return jdbc.read("list hub users", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + COLUMNS + " FROM hub_users u ORDER BY u.name")) {
        return query(ps);
      }
    });
  }

  boolean setAdmin(String name, boolean admin) {
    return setFlag("admin", name, admin);
  }

  boolean setApproved(String name, boolean approved) {
    return setFlag("approved", name, approved);
  }

  /** Sets one of the user's boolean columns ({@code admin} or {@code approved}: never a caller's text). */
  private boolean setFlag(String column, String name, boolean value) {
    return jdbc.write("set " + column + " of hub user '" + name + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE hub_users SET " + column + " = ? WHERE name = ?")) {
        ps.setBoolean(1, value);
        ps.setString(2, name);
        return ps.executeUpdate() > 0;
      }
    });
  }

  boolean delete(String name) {
    return jdbc.write("delete hub user '" + name + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM hub_users WHERE name = ?")) {
        ps.setString(1, name);
        return ps.executeUpdate() > 0;
      }
    });
  }

  boolean recordLogin(String name, Instant at) {
    return jdbc.write("record login of hub user '" + name + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE hub_users SET last_login = ? WHERE name = ?")) {
        ps.setObject(1, Jdbc.utc(at.truncatedTo(ChronoUnit.MICROS)));
        ps.setString(2, name);
        return ps.executeUpdate() > 0;
      }
    });
  }

  /** Reads the user columns of the current row ({@link #COLUMNS}, unqualified labels). */
  static HubUserRecord user(ResultSet rs) throws SQLException {
    return new HubUserRecord(rs.getLong("id"), rs.getString("name"), rs.getString("password_hash"),
        rs.getBoolean("admin"), Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "last_login"), rs.getBoolean("approved"));
  }

  private static List<HubUserRecord> query(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      List<HubUserRecord> rows = new ArrayList<>();
      while (rs.next()) rows.add(user(rs));
      return rows;
    }
  }
}
