package dev.gpuhub.store.jdbc;

import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.store.DuplicateNameException;
import dev.gpuhub.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Table {@code profiles}; a clash on the unique name becomes {@link DuplicateNameException}. */
final class ProfileTable {
  private static final String COLUMNS = "name, display_name, description, cpu_requirement,"
      + " ram_requirement, gpu_required, min_nodes, max_nodes, max_cpu_usage, max_memory_usage,"
      + " placement_policy, cpu_limit, mem_limit, gpu_count, gpu_model, gpu_min_memory_gb, allowed_groups,"
      + " retired, gpu_idle_minutes";
  /** How many parameters {@link #bind} binds. */
  private static final int COLUMN_COUNT = 19;
  /** Inserts one profile; bind its parameters with {@link #bind}. */
  private static final String INSERT =
      "INSERT INTO profiles (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String SELECT = "SELECT id, " + COLUMNS + " FROM profiles";

  private final Jdbc jdbc;

  ProfileTable(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  List<Profile> profiles() {
    return jdbc.read("list profiles", c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY id")) {
        return query(ps);
      }
    });
  }

  Optional<Profile> profile(long id) {
    return jdbc.read("read profile " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE id = ?")) {
        ps.setLong(1, id);
        return query(ps).stream().findFirst();
      }
    });
  }

  Optional<Profile> profileByName(String name) {
    return jdbc.read("read profile '" + name + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE name = ?")) {
        ps.setString(1, name);
        return query(ps).stream().findFirst();
      }
    });
  }

  Profile create(Profile profile) {
    return uniqueName(profile.name(), () -> jdbc.write("create profile '" + profile.name() + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
        bind(ps, profile);
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          if (!keys.next()) throw new SQLException("the database returned no id for the new profile");
          return profile.withId(keys.getLong("id"));
        }
      }
    }));
  }

  Optional<Profile> update(Profile profile) {
    return uniqueName(profile.name(), () -> jdbc.write("update profile " + profile.id(), c -> {
      String sql = "UPDATE profiles SET name = ?, display_name = ?, description = ?,"
          + " cpu_requirement = ?, ram_requirement = ?, gpu_required = ?, min_nodes = ?,"
          + " max_nodes = ?, max_cpu_usage = ?, max_memory_usage = ?, placement_policy = ?,"
          + " cpu_limit = ?, mem_limit = ?, gpu_count = ?, gpu_model = ?, gpu_min_memory_gb = ?,"
          + " allowed_groups = ?, retired = ?, gpu_idle_minutes = ?, updated_at = CURRENT_TIMESTAMP WHERE id = ?";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, profile);
        ps.setLong(COLUMN_COUNT + 1, profile.id());
        return ps.executeUpdate() == 0 ? Optional.<Profile>empty() : Optional.of(profile);
      }
    }));
  }

  boolean delete(long id) {
    return jdbc.write("delete profile " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM profiles WHERE id = ?")) {
        ps.setLong(1, id);
        return ps.executeUpdate() > 0;
      }
    });
  }

  /** Runs a write, turning a unique violation (the only unique column is name) into a clear error. */
  private static <T> T uniqueName(String name, Supplier<T> write) {
    try {
      return write.get();
    } catch (StoreException e) {
      if (!Jdbc.isUniqueViolation(e.getCause())) throw e;
      DuplicateNameException duplicate =
          new DuplicateNameException("profile name '" + name + "' is already taken");
      duplicate.initCause(e.getCause());
      throw duplicate;
    }
  }

  /** Binds a profile's columns as parameters 1 to 18, in the order of {@link #COLUMNS}. */
  private static void bind(PreparedStatement ps, Profile p) throws SQLException {
    ps.setString(1, p.name());
    ps.setString(2, p.displayName());
    ps.setString(3, p.description());
    ps.setDouble(4, p.cpuGuarantee());
    ps.setDouble(5, p.memGuarantee());
    ps.setBoolean(6, p.gpuRequired());
    ps.setInt(7, p.minNodes());
    ps.setInt(8, p.maxNodes());
    ps.setDouble(9, p.maxCpuUsage());
    ps.setDouble(10, p.maxMemoryUsage());
    ps.setString(11, p.placementPolicy());
    ps.setDouble(12, p.cpuLimit());
    ps.setDouble(13, p.memLimit());
    ps.setInt(14, p.gpuCount());
    ps.setString(15, p.gpuModel());
    ps.setDouble(16, p.gpuMinMemoryGb());
    ps.setString(17, p.groups().isEmpty() ? null : String.join(" ", p.groups()));
    ps.setBoolean(18, p.retired());
    if (p.gpuIdleMinutes() == null) ps.setNull(19, java.sql.Types.DOUBLE);
    else ps.setDouble(19, p.gpuIdleMinutes());
  }

  private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }

  /** The stored group names (separated by spaces; null for none). */
  private static List<String> groups(String stored) {
    return stored == null || stored.isBlank() ? List.of() : List.of(stored.trim().split(" +"));
  }

  private static List<Profile> query(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      List<Profile> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(new Profile(rs.getLong("id"), rs.getString("name"), rs.getString("display_name"),
            rs.getString("description"), rs.getDouble("cpu_requirement"),
            rs.getDouble("ram_requirement"), rs.getInt("gpu_count"), rs.getInt("min_nodes"),
            rs.getInt("max_nodes"), rs.getDouble("max_cpu_usage"), rs.getDouble("max_memory_usage"),
            rs.getString("placement_policy"), rs.getDouble("cpu_limit"), rs.getDouble("mem_limit"),
            rs.getString("gpu_model"), rs.getDouble("gpu_min_memory_gb"), groups(rs.getString("allowed_groups")),
            rs.getBoolean("retired"), nullableDouble(rs, "gpu_idle_minutes")));
      }
      return rows;
    }
  }
}
