package dev.gpuhub.store.jdbc;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.gpuhub.core.placement.NodeSelection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Table {@code node_selections}: the history of placement decisions. */
final class SelectionTable {
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private final Jdbc jdbc;
  private final SqlDialect dialect;
  private final Clock clock;

  SelectionTable(Jdbc jdbc, SqlDialect dialect, Clock clock) {
    this.jdbc = jdbc;
    this.dialect = dialect;
    this.clock = clock;
  }

  NodeSelection record(NodeSelection s) {
    // both databases keep microseconds: truncate so the returned record equals what is stored
    Instant createdAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
    return jdbc.write("record a node selection", c -> {
      String sql = "INSERT INTO node_selections (profile_id, user_id, session_id, selected_nodes,"
          + " selection_reason, created_at) VALUES (?, ?, ?, " + dialect.jsonParameter() + ", ?, ?)";
      try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
        ps.setObject(1, s.profileId(), Types.BIGINT);
        ps.setString(2, s.userId());
        ps.setString(3, s.sessionId());
        ps.setString(4, Jdbc.toJson(s.selectedNodes()));
        ps.setString(5, s.selectionReason());
        ps.setObject(6, Jdbc.utc(createdAt));
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          if (!keys.next()) throw new SQLException("the database returned no id for the new selection");
          return new NodeSelection(keys.getLong("id"), s.profileId(), s.userId(), s.sessionId(),
              s.selectedNodes(), s.selectionReason(), createdAt);
        }
      }
    });
  }

  List<NodeSelection> recent(int limit) {
    return jdbc.read("list node selections", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT id, profile_id, user_id, session_id,"
          + " selected_nodes, selection_reason, created_at FROM node_selections"
          + " ORDER BY created_at DESC, id DESC LIMIT ?")) {
        ps.setInt(1, Math.max(0, limit));
        try (ResultSet rs = ps.executeQuery()) {
          List<NodeSelection> rows = new ArrayList<>();
          while (rs.next()) {
            rows.add(new NodeSelection(rs.getLong("id"), rs.getObject("profile_id", Long.class),
                rs.getString("user_id"), rs.getString("session_id"),
                Jdbc.fromJson(rs.getString("selected_nodes"), STRINGS),
                rs.getString("selection_reason"), Jdbc.instant(rs, "created_at")));
          }
          return rows;
        }
      }
    });
  }
}
