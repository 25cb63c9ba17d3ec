package dev.gpuhub.store.jdbc;

import dev.gpuhub.core.quota.Quota;
import dev.gpuhub.core.quota.Usage;
import dev.gpuhub.store.QuotaRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Tables {@code hub_quotas} (limits per user and group) and {@code hub_usage} (one row per server start). */
final class QuotaUsageTables {
  private static final String USAGE_COLUMNS = "user_name, server_name, profile_name, gpus, cores, started_at, ended_at";
  private final Jdbc jdbc;

  QuotaUsageTables(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** Sets the quota of {@code scope}/{@code name}, replacing one there was (one transaction). */
  void set(QuotaRecord q) {
    jdbc.write("set the " + q.scope() + " quota of " + q.name(), c -> {
      try (PreparedStatement del = c.prepareStatement("DELETE FROM hub_quotas WHERE scope = ? AND name = ?");
           PreparedStatement ins = c.prepareStatement(
               "INSERT INTO hub_quotas (scope, name, max_gpus, max_servers, gpu_hours) VALUES (?, ?, ?, ?, ?)")) {
        del.setString(1, q.scope());
        del.setString(2, q.name());
        del.executeUpdate();
        ins.setString(1, q.scope());
        ins.setString(2, q.name());
        ins.setObject(3, q.quota().maxGpus(), Types.INTEGER);
        ins.setObject(4, q.quota().maxServers(), Types.INTEGER);
        ins.setObject(5, q.quota().gpuHours(), Types.DOUBLE);
        ins.executeUpdate();
      }
      return null;
    });
  }

  boolean delete(String scope, String name) {
    return jdbc.write("delete the " + scope + " quota of " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM hub_quotas WHERE scope = ? AND name = ?")) {
        ps.setString(1, scope);
        ps.setString(2, name);
        return ps.executeUpdate() > 0;
      }
    });
  }

  List<QuotaRecord> all() {
    return jdbc.read("list quotas", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT scope, name, max_gpus, max_servers, gpu_hours FROM hub_quotas ORDER BY scope, name");
           ResultSet rs = ps.executeQuery()) {
        List<QuotaRecord> out = new ArrayList<>();
        while (rs.next()) {
          out.add(new QuotaRecord(rs.getString("scope"), rs.getString("name"), new Quota(
              (Integer) rs.getObject("max_gpus", Integer.class), (Integer) rs.getObject("max_servers", Integer.class),
              (Double) rs.getObject("gpu_hours", Double.class))));
        }
        return out;
      }
    });
  }

  /** Opens a usage row for a server unless one is open for it already (an adopted server). */
  void open(Usage u) {
    jdbc.write("record the start of " + u.user() + "'s server", c -> {
      try (PreparedStatement find = c.prepareStatement(
          "SELECT id FROM hub_usage WHERE user_name = ? AND server_name = ? AND ended_at IS NULL")) {
        find.setString(1, u.user());
        find.setString(2, u.server());
        try (ResultSet rs = find.executeQuery()) {
          if (rs.next()) return null;
        }
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub_usage (" + USAGE_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, NULL)")) {
        ps.setString(1, u.user());
        ps.setString(2, u.server());
        ps.setString(3, u.profile());
        ps.setInt(4, u.gpus());
        ps.setDouble(5, u.cores());
        ps.setObject(6, Jdbc.utc(u.startedAt().truncatedTo(ChronoUnit.MICROS)));
        ps.executeUpdate();
      }
      return null;
    });
  }

  /** Closes the open usage rows of a user's server at {@code at}. */
  void close(String user, String server, Instant at) {
    jdbc.write("record the end of " + user + "'s server", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE hub_usage SET ended_at = ? WHERE user_name = ? AND server_name = ? AND ended_at IS NULL")) {
        ps.setObject(1, Jdbc.utc(at.truncatedTo(ChronoUnit.MICROS)));
        ps.setString(2, user);
        ps.setString(3, server);
        ps.executeUpdate();
      }
      return null;
    });
  }

  /** Usage rows that overlap [{@code from}, now): open ones and those ended after {@code from}, oldest first. */
  List<Usage> since(Instant from) {
    return jdbc.read("read usage", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + USAGE_COLUMNS
          + " FROM hub_usage WHERE ended_at IS NULL OR ended_at > ? ORDER BY started_at, id")) {
        ps.setObject(1, Jdbc.utc(from.truncatedTo(ChronoUnit.MICROS)));
        try (ResultSet rs = ps.executeQuery()) {
          List<Usage> out = new ArrayList<>();
          while (rs.next()) {
            out.add(new Usage(rs.getString("user_name"), rs.getString("server_name"), rs.getString("profile_name"),
                rs.getInt("gpus"), rs.getDouble("cores"), Jdbc.instant(rs, "started_at"), Jdbc.instant(rs, "ended_at")));
          }
          return out;
        }
      }
    });
  }
}
