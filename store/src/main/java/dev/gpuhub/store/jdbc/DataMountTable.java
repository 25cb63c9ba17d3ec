package dev.gpuhub.store.jdbc;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.gpuhub.core.data.DataMount;
import dev.gpuhub.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Table {@code data_mounts}: declared shared data; profiles and groups are JSON arrays of names. */
final class DataMountTable {
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private final Jdbc jdbc;
  private final SqlDialect dialect;

  DataMountTable(Jdbc jdbc, SqlDialect dialect) {
    this.jdbc = jdbc;
    this.dialect = dialect;
  }

  DataMount create(DataMount m) {
    return UniqueClash.orDuplicate("data mount '" + m.name() + "' already exists", () ->
        jdbc.write("store data mount " + m.name(), c -> {
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO data_mounts (name, path, target, read_only, profiles,"
              + " groups_of) VALUES (?, ?, ?, ?, " + dialect.jsonParameter() + ", " + dialect.jsonParameter() + ")")) {
            ps.setString(1, m.name());
            ps.setString(2, m.path());
            ps.setString(3, m.target());
            ps.setBoolean(4, m.readOnly());
            ps.setString(5, Jdbc.toJson(m.profiles()));
            ps.setString(6, Jdbc.toJson(m.groups()));
            ps.executeUpdate();
          }
          return m;
        }));
  }

  boolean delete(String name) {
    return jdbc.write("delete data mount " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM data_mounts WHERE name = ?")) {
        ps.setString(1, name);
        return ps.executeUpdate() == 1;
      }
    });
  }

  List<DataMount> all() {
    return jdbc.read("list data mounts", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT name, path, target, read_only, profiles, groups_of"
          + " FROM data_mounts ORDER BY name"); ResultSet rs = ps.executeQuery()) {
        List<DataMount> out = new ArrayList<>();
        while (rs.next()) out.add(mount(rs));
        return out;
      }
    });
  }

  private static DataMount mount(ResultSet rs) throws SQLException {
    try {
      return new DataMount(rs.getString("name"), rs.getString("path"), rs.getString("target"), rs.getBoolean("read_only"),
          Jdbc.fromJson(rs.getString("profiles"), STRINGS), Jdbc.fromJson(rs.getString("groups_of"), STRINGS));
    } catch (IllegalArgumentException e) {
      throw new StoreException("stored data mount '" + rs.getString("name") + "' is invalid: " + e.getMessage(), e);
    }
  }
}
