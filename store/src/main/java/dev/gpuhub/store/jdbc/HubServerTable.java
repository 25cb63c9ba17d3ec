package dev.gpuhub.store.jdbc;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.gpuhub.store.HubServerRecord;
import dev.gpuhub.store.HubServerState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Table {@code hub_servers}: the users' Jupyter servers, unique per (user, name). Server tokens are
 * stored sealed by the {@link SecretBox}, never in clear.
 */
final class HubServerTable {
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  /** Columns every write sets, in the order {@link #bindMutable} binds them. */
  private static final String MUTABLE = "profile_name, image, node_hostnames, primary_hostname,"
      + " container_id, container_name, url_path, port, server_token, state, started_at,"
      + " last_activity, stopped_at, failure_reason";
  private static final int MUTABLE_COUNT = 14;
  private static final String SELECT = "SELECT s.id, s.user_id, u.name AS user_name, s.name,"
      + " s.profile_name, s.image, s.node_hostnames, s.primary_hostname, s.container_id,"
      + " s.container_name, s.url_path, s.port, s.server_token, s.state, s.started_at,"
      + " s.last_activity, s.stopped_at, s.failure_reason"
      + " FROM hub_servers s JOIN hub_users u ON u.id = s.user_id";

  private final Jdbc jdbc;
  private final SqlDialect dialect;
  private final SecretBox box;

  HubServerTable(Jdbc jdbc, SqlDialect dialect, SecretBox box) {
    this.jdbc = jdbc;
    this.dialect = dialect;
    this.box = box;
  }

  HubServerRecord create(HubServerRecord s) {
    String what = "server '" + s.name() + "' of hub user #" + s.userId();
    long id = UniqueClash.orDuplicate("the user already has a server named '" + s.name()
            + "'; stop and delete it first or choose another name",
        () -> jdbc.write("create " + what, c -> {
          String sql = "INSERT INTO hub_servers (user_id, name, " + MUTABLE + ") VALUES (?, ?, "
              + mutablePlaceholders() + ")";
          try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            ps.setLong(1, s.userId());
            ps.setString(2, s.name());
            bindMutable(ps, 3, s);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
              if (!keys.next()) throw new SQLException("the database returned no id for the new server");
              return keys.getLong("id");
            }
          }
        }));
    return byId(id).orElseThrow(() -> new IllegalStateException(what + " vanished right after it was created"));
  }

  Optional<HubServerRecord> byId(long id) {
    return jdbc.read("read server #" + id, c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE s.id = ?")) {
        ps.setLong(1, id);
        return query(ps).stream().findFirst();
      }
    });
  }

  Optional<HubServerRecord> find(long userId, String name) {
    return jdbc.read("read server '" + name + "' of hub user #" + userId, c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE s.user_id = ? AND s.name = ?")) {
        ps.setLong(1, userId);
        ps.setString(2, name == null ? "" : name);
        return query(ps).stream().findFirst();
      }
    });
  }

  List<HubServerRecord> of(long userId) {
    return jdbc.read("list servers of hub user #" + userId, c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE s.user_id = ? ORDER BY s.name")) {
        ps.setLong(1, userId);
        return query(ps);
      }
    });
  }

  List<HubServerRecord> in(Set<HubServerState> states) {
    if (states.isEmpty()) return List.of();
    List<HubServerState> list = List.copyOf(states);
    return jdbc.read("list servers in states " + list, c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE s.state IN ("
          + Jdbc.placeholders(list.size()) + ") ORDER BY s.id")) {
        for (int i = 0; i < list.size(); i++) ps.setString(i + 1, list.get(i).dbValue());
        return query(ps);
      }
    });
  }

  boolean update(HubServerRecord s) {
    return jdbc.write("update server #" + s.id(), c -> {
      String sql = "UPDATE hub_servers SET profile_name = ?, image = ?, node_hostnames = "
          + dialect.jsonParameter() + ", primary_hostname = ?, container_id = ?,"
          + " container_name = ?, url_path = ?, port = ?, server_token = ?, state = ?,"
          + " started_at = ?, last_activity = ?, stopped_at = ?, failure_reason = ? WHERE id = ?";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bindMutable(ps, 1, s);
        ps.setLong(MUTABLE_COUNT + 1, s.id());
        return ps.executeUpdate() > 0;
      }
    });
  }

  boolean updateState(long id, HubServerState state, String failureReason, Instant at) {
    boolean terminal = state == HubServerState.STOPPED || state == HubServerState.FAILED;
    return jdbc.write("set state of server #" + id + " to " + state.dbValue(), c -> {
      String sql = "UPDATE hub_servers SET state = ?, failure_reason = ?"
          + (terminal ? ", stopped_at = ?" : "") + " WHERE id = ?";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        ps.setString(i++, state.dbValue());
        ps.setString(i++, failureReason);
        if (terminal) ps.setObject(i++, Jdbc.utc(micros(at)));
        ps.setLong(i, id);
        return ps.executeUpdate() > 0;
      }
    });
  }

  boolean recordActivity(long id, Instant at) {
    Instant when = micros(at);
    return jdbc.write("record activity of server #" + id, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE hub_servers SET last_activity = ?"
          + " WHERE id = ? AND (last_activity IS NULL OR last_activity < ?)")) {
        ps.setObject(1, Jdbc.utc(when));
        ps.setLong(2, id);
        ps.setObject(3, Jdbc.utc(when));
        return ps.executeUpdate() > 0;
      }
    });
  }

  boolean delete(long id) {
    return jdbc.write("delete server #" + id, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM hub_servers WHERE id = ?")) {
        ps.setLong(1, id);
        return ps.executeUpdate() > 0;
      }
    });
  }

  private String mutablePlaceholders() {
    return "?, ?, " + dialect.jsonParameter() + ", ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";
  }

  /** Binds the {@link #MUTABLE} columns of {@code s} as parameters {@code first} onwards. */
  private void bindMutable(PreparedStatement ps, int first, HubServerRecord s)
      throws SQLException {
    int i = first;
    ps.setString(i++, s.profileName());
    ps.setString(i++, s.image());
    ps.setString(i++, Jdbc.toJson(s.nodeHostnames()));
    ps.setString(i++, s.primaryHostname());
    ps.setString(i++, s.containerId());
    ps.setString(i++, s.containerName());
    ps.setString(i++, s.urlPath());
    ps.setObject(i++, s.port(), Types.INTEGER);
    ps.setString(i++, box.seal(s.serverToken()));
    ps.setString(i++, s.state().dbValue());
    ps.setObject(i++, Jdbc.utc(micros(s.startedAt())));
    ps.setObject(i++, Jdbc.utc(micros(s.lastActivity())));
    ps.setObject(i++, Jdbc.utc(micros(s.stoppedAt())));
    ps.setString(i, s.failureReason());
  }

  private static Instant micros(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
  }

  private List<HubServerRecord> query(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      List<HubServerRecord> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(new HubServerRecord(rs.getLong("id"), rs.getLong("user_id"),
            rs.getString("user_name"), rs.getString("name"), rs.getString("profile_name"),
            rs.getString("image"), Jdbc.fromJson(rs.getString("node_hostnames"), STRINGS),
            rs.getString("primary_hostname"), rs.getString("container_id"),
            rs.getString("container_name"), rs.getString("url_path"),
            rs.getObject("port", Integer.class), box.open(rs.getString("server_token")),
            HubServerState.fromDb(rs.getString("state")), Jdbc.instant(rs, "started_at"),
            Jdbc.instant(rs, "last_activity"), Jdbc.instant(rs, "stopped_at"),
            rs.getString("failure_reason")));
      }
      return rows;
    }
  }
}
