package dev.gpuhub.store.jdbc;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.gpuhub.core.node.GpuDevice;
import dev.gpuhub.core.node.Heartbeat;
import dev.gpuhub.core.node.NodeMetricRecord;
import dev.gpuhub.core.node.NodeRecord;
import dev.gpuhub.core.node.NodeReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Tables {@code nodes} and {@code node_metrics}. */
final class NodeTables {
  /** Most hostnames bound into one IN list. */
  private static final int IN_LIST_CHUNK = 500;
  private static final TypeReference<List<GpuDevice>> GPU_LIST = new TypeReference<>() {};
  private static final String NODE_COLUMNS = "id, hostname, ip, cpu_cores, ram_gb, has_gpu, gpu_info,"
      + " is_active, max_containers, last_heartbeat, created_at, updated_at";
  private static final String INSERT_METRIC = "INSERT INTO node_metrics (node_id, cpu_usage_percent,"
      + " memory_usage_percent, disk_usage_percent, active_jupyterlab, active_ray, total_containers,"
      + " load_score, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private final Jdbc jdbc;
  private final SqlDialect dialect;
  // hostname -> nodes.id; rows in nodes are never deleted, so an id once committed stays valid
  private final Map<String, Long> idCache = new ConcurrentHashMap<>();

  NodeTables(Jdbc jdbc, SqlDialect dialect) {
    this.jdbc = jdbc;
    this.dialect = dialect;
  }

  void saveHeartbeats(List<Heartbeat> batch) {
    if (batch.isEmpty()) return;
    Map<String, Heartbeat> latest = latestPerHostname(batch);
    Map<String, Long> newIds = new HashMap<>();
    jdbc.write("save " + batch.size() + " heartbeats", c -> {
      upsertNodes(c, latest.values());
      Map<String, Long> ids = nodeIds(c, latest.keySet(), newIds);
      insertMetrics(c, batch, ids);
      return null;
    });
    idCache.putAll(newIds); // only after commit: a rolled-back insert must not leave a stale id
  }

  /** Latest heartbeat per hostname (later in the batch wins ties), sorted by hostname so that
   *  concurrent writers lock rows in the same order. */
  private static Map<String, Heartbeat> latestPerHostname(List<Heartbeat> batch) {
    Map<String, Heartbeat> latest = new TreeMap<>();
    for (Heartbeat hb : batch) {
      latest.merge(hb.report().hostname(), hb,
          (old, hbNew) -> hbNew.receivedAt().isBefore(old.receivedAt()) ? old : hbNew);
    }
    return latest;
  }

  private void upsertNodes(Connection c, Collection<Heartbeat> heartbeats) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(dialect.upsertNode())) {
      for (Heartbeat hb : heartbeats) {
        NodeReport r = hb.report();
        ps.setString(1, r.hostname());
        ps.setString(2, r.ip());
        ps.setInt(3, r.cpuCores());
        ps.setDouble(4, r.ramGb());
        ps.setBoolean(5, r.hasGpu());
        ps.setString(6, Jdbc.toJson(r.gpuInfo()));
        ps.setBoolean(7, true);
        ps.setInt(8, r.maxContainers());
        ps.setObject(9, Jdbc.utc(hb.receivedAt()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Ids of these hostnames, from the cache or the table; ids read from the table go to newIds. */
  private Map<String, Long> nodeIds(Connection c, Set<String> hostnames, Map<String, Long> newIds)
      throws SQLException {
    Map<String, Long> ids = new HashMap<>();
    List<String> missing = new ArrayList<>();
    for (String hostname : hostnames) {
      Long id = idCache.get(hostname);
      if (id != null) ids.put(hostname, id);
      else missing.add(hostname);
    }
    for (int from = 0; from < missing.size(); from += IN_LIST_CHUNK) {
      List<String> chunk = missing.subList(from, Math.min(missing.size(), from + IN_LIST_CHUNK));
      String sql = "SELECT id, hostname FROM nodes WHERE hostname IN (" + Jdbc.placeholders(chunk.size()) + ")";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bindStrings(ps, chunk);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) newIds.put(rs.getString("hostname"), rs.getLong("id"));
        }
      }
    }
    ids.putAll(newIds);
    return ids;
  }

  private static void insertMetrics(Connection c, List<Heartbeat> batch, Map<String, Long> ids)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT_METRIC)) {
      for (Heartbeat hb : batch) {
        NodeReport r = hb.report();
        ps.setLong(1, ids.get(r.hostname()));
        ps.setObject(2, r.cpuUsagePercent(), Types.DOUBLE);
        ps.setObject(3, r.memoryUsagePercent(), Types.DOUBLE);
        ps.setObject(4, r.diskUsagePercent(), Types.DOUBLE);
        ps.setInt(5, r.activeJupyterlab());
        ps.setInt(6, r.activeRay());
        ps.setInt(7, r.totalContainers());
        ps.setDouble(8, hb.loadScore());
        ps.setObject(9, Jdbc.utc(hb.receivedAt()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  List<NodeRecord> allNodes() {
    return jdbc.read("list nodes", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + NODE_COLUMNS + " FROM nodes ORDER BY hostname")) {
        return nodes(ps);
      }
    });
  }

  Optional<NodeRecord> findNode(String hostname) {
    return jdbc.read("find node '" + hostname + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + NODE_COLUMNS + " FROM nodes WHERE hostname = ?")) {
        ps.setString(1, hostname);
        return nodes(ps).stream().findFirst();
      }
    });
  }

  List<String> activeHostnames() {
    return jdbc.read("list active nodes", c -> {
      try (PreparedStatement ps = c.prepareStatement(
              "SELECT hostname FROM nodes WHERE is_active = TRUE ORDER BY hostname");
          ResultSet rs = ps.executeQuery()) {
        List<String> hostnames = new ArrayList<>();
        while (rs.next()) hostnames.add(rs.getString(1));
        return hostnames;
      }
    });
  }

  int markInactive(Collection<String> hostnames) {
    List<String> all = List.copyOf(Set.copyOf(hostnames));
    if (all.isEmpty()) return 0;
    return jdbc.write("mark " + all.size() + " nodes inactive", c -> {
      int changed = 0;
      for (int from = 0; from < all.size(); from += IN_LIST_CHUNK) {
        List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_LIST_CHUNK));
        try (PreparedStatement ps = c.prepareStatement("UPDATE nodes SET is_active = FALSE,"
            + " updated_at = CURRENT_TIMESTAMP WHERE is_active = TRUE AND hostname IN ("
            + Jdbc.placeholders(chunk.size()) + ")")) {
          bindStrings(ps, chunk);
          changed += ps.executeUpdate();
        }
      }
      return changed;
    });
  }

  List<NodeMetricRecord> recentMetrics(String hostname, int limit) {
    return jdbc.read("read metrics of node '" + hostname + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT m.* FROM node_metrics m"
          + " JOIN nodes n ON n.id = m.node_id WHERE n.hostname = ?"
          + " ORDER BY m.recorded_at DESC, m.id DESC LIMIT ?")) {
        ps.setString(1, hostname);
        ps.setInt(2, Math.max(0, limit));
        try (ResultSet rs = ps.executeQuery()) {
          List<NodeMetricRecord> rows = new ArrayList<>();
          while (rs.next()) rows.add(metric(rs));
          return rows;
        }
      }
    });
  }

  int pruneMetricsBefore(Instant cutoff) {
    return jdbc.write("delete metrics recorded before " + cutoff, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM node_metrics WHERE recorded_at < ?")) {
        ps.setObject(1, Jdbc.utc(cutoff));
        return ps.executeUpdate();
      }
    });
  }

  private static void bindStrings(PreparedStatement ps, List<String> values) throws SQLException {
    for (int i = 0; i < values.size(); i++) ps.setString(i + 1, values.get(i));
  }

  private static List<NodeRecord> nodes(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      List<NodeRecord> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(new NodeRecord(rs.getLong("id"), rs.getString("hostname"), rs.getString("ip"),
            rs.getInt("cpu_cores"), rs.getDouble("ram_gb"), rs.getBoolean("has_gpu"),
            Jdbc.fromJson(rs.getString("gpu_info"), GPU_LIST), rs.getBoolean("is_active"),
            rs.getInt("max_containers"), Jdbc.instant(rs, "last_heartbeat"),
            Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "updated_at")));
      }
      return rows;
    }
  }

  private static NodeMetricRecord metric(ResultSet rs) throws SQLException {
    return new NodeMetricRecord(rs.getLong("node_id"), rs.getObject("cpu_usage_percent", Double.class),
        rs.getObject("memory_usage_percent", Double.class),
        rs.getObject("disk_usage_percent", Double.class), rs.getInt("active_jupyterlab"),
        rs.getInt("active_ray"), rs.getInt("total_containers"), rs.getDouble("load_score"),
        Jdbc.instant(rs, "recorded_at"));
  }
}
