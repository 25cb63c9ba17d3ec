package dev.gpuhub.store.jdbc;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.gpuhub.core.service.ServiceSpec;
import dev.gpuhub.store.ServiceRepository;
import dev.gpuhub.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link ServiceRepository} on table {@code services}; the command is stored as a JSON array. */
public final class JdbcServiceRepository implements ServiceRepository {
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final String COLUMNS = "image, command, cpu_millicores, memory_mb, request_threshold, min_replicas,"
      + " max_replicas, strategy";

  private final Jdbc jdbc;
  private final SqlDialect dialect;

  JdbcServiceRepository(Jdbc jdbc, SqlDialect dialect) {
    this.jdbc = jdbc;
    this.dialect = dialect;
  }

  @Override
  public ServiceSpec create(ServiceSpec spec) {
    return UniqueClash.orDuplicate("service '" + spec.name() + "' already exists", () ->
        jdbc.write("store service " + spec.name(), c -> {
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO services (" + COLUMNS + ", name) VALUES (?, "
              + dialect.jsonParameter() + ", ?, ?, ?, ?, ?, ?, ?)")) {
            bind(ps, spec);
            ps.executeUpdate();
          }
          return spec;
        }));
  }

  @Override
  public boolean update(ServiceSpec spec) {
    return jdbc.write("update service " + spec.name(), c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE services SET image = ?, command = " + dialect.jsonParameter()
          + ", cpu_millicores = ?, memory_mb = ?, request_threshold = ?, min_replicas = ?, max_replicas = ?,"
          + " strategy = ? WHERE name = ?")) {
        bind(ps, spec);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public boolean delete(String name) {
    return jdbc.write("delete service " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM services WHERE name = ?")) {
        ps.setString(1, name);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<ServiceSpec> find(String name) {
    return jdbc.read("read service " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT name, " + COLUMNS + " FROM services WHERE name = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(spec(rs)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public List<ServiceSpec> all() {
    return jdbc.read("list services", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT name, " + COLUMNS + " FROM services ORDER BY name");
           ResultSet rs = ps.executeQuery()) {
        List<ServiceSpec> out = new ArrayList<>();
        while (rs.next()) out.add(spec(rs));
        return out;
      }
    });
  }

  private static void bind(PreparedStatement ps, ServiceSpec s) throws SQLException {
    ps.setString(1, s.image());
    ps.setString(2, Jdbc.toJson(s.command()));
    ps.setInt(3, s.cpuMillicores());
    ps.setInt(4, s.memoryMb());
    ps.setDouble(5, s.requestThreshold());
    ps.setInt(6, s.minReplicas());
    ps.setInt(7, s.maxReplicas());
    ps.setString(8, s.strategy());
    ps.setString(9, s.name());
  }

  private static ServiceSpec spec(ResultSet rs) throws SQLException {
    try {
      return new ServiceSpec(rs.getString("name"), rs.getString("image"), Jdbc.fromJson(rs.getString("command"), STRINGS),
          rs.getInt("cpu_millicores"), rs.getInt("memory_mb"), rs.getDouble("request_threshold"),
          rs.getInt("min_replicas"), rs.getInt("max_replicas"), rs.getString("strategy"));
    } catch (IllegalArgumentException e) {
      throw new StoreException("stored service '" + rs.getString("name") + "' is invalid: " + e.getMessage(), e);
    }
  }
}
