package dev.gpuhub.store.jdbc;

import dev.gpuhub.store.HubGroupRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tables {@code hub_groups} and {@code hub_group_members}. Every change is one transaction: a
 * member list naming an unknown user changes nothing.
 */
final class HubGroupTable {
  private final Jdbc jdbc;
  private final Clock clock;

  HubGroupTable(Jdbc jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  HubGroupRecord create(String name, Collection<String> users) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    UniqueClash.orDuplicate("group '" + name + "' already exists", () -> jdbc.write("create group " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub_groups (name, created_at) VALUES (?, ?)")) {
        ps.setString(1, name);
        ps.setObject(2, Jdbc.utc(now));
        ps.executeUpdate();
      }
      addMembers(c, name, users);
      return null;
    }));
    return find(name).orElseThrow();
  }

  boolean delete(String name) {
    return jdbc.write("delete group " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM hub_groups WHERE name = ?")) {
        ps.setString(1, name);
        return ps.executeUpdate() == 1;
      }
    });
  }

  /** Adds (or, with {@code add} false, removes) members; empty when there is no such group. */
  Optional<HubGroupRecord> change(String name, Collection<String> users, boolean add) {
    boolean exists = jdbc.write((add ? "add members to" : "remove members from") + " group " + name, c -> {
      if (groupId(c, name) == null) return false;
      if (add) {
        addMembers(c, name, users);
      } else {
        userIds(c, users); // every name must be a user
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM hub_group_members WHERE group_id = ?"
            + " AND user_id = (SELECT id FROM hub_users WHERE name = ?)")) {
          long group = groupId(c, name);
          for (String u : users) {
            ps.setLong(1, group);
            ps.setString(2, u);
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
      return true;
    });
    return exists ? find(name) : Optional.empty();
  }

  Optional<HubGroupRecord> find(String name) {
    return all(name).stream().findFirst();
  }

  List<HubGroupRecord> all() {
    return all(null);
  }

  /** The names of the groups {@code user} belongs to, sorted. */
  List<String> of(String user) {
    return jdbc.read("list groups of " + user, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT g.name FROM hub_groups g JOIN hub_group_members m"
          + " ON m.group_id = g.id JOIN hub_users u ON u.id = m.user_id WHERE u.name = ? ORDER BY g.name")) {
        ps.setString(1, user);
        try (ResultSet rs = ps.executeQuery()) {
          List<String> out = new ArrayList<>();
          while (rs.next()) out.add(rs.getString(1));
          return out;
        }
      }
    });
  }

  private List<HubGroupRecord> all(String only) {
    return jdbc.read("list groups", c -> {
      String sql = "SELECT g.name, g.created_at, u.name AS member FROM hub_groups g"
          + " LEFT JOIN hub_group_members m ON m.group_id = g.id LEFT JOIN hub_users u ON u.id = m.user_id"
          + (only == null ? "" : " WHERE g.name = ?") + " ORDER BY g.name, u.name";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        if (only != null) ps.setString(1, only);
        try (ResultSet rs = ps.executeQuery()) {
          Map<String, Instant> created = new LinkedHashMap<>();
          Map<String, List<String>> members = new LinkedHashMap<>();
          while (rs.next()) {
            String g = rs.getString("name");
            created.putIfAbsent(g, Jdbc.instant(rs, "created_at"));
            List<String> list = members.computeIfAbsent(g, k -> new ArrayList<>());
            String m = rs.getString("member");
            if (m != null) list.add(m);
          }
          List<HubGroupRecord> out = new ArrayList<>();
          created.forEach((g, at) -> out.add(new HubGroupRecord(g, at, members.get(g))));
          return out;
        }
      }
    });
  }

  private static Long groupId(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM hub_groups WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  /** The ids of these users. @throws IllegalArgumentException naming the first unknown user (the transaction rolls back) */
  private static List<Long> userIds(Connection c, Collection<String> users) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM hub_users WHERE name = ?")) {
      for (String u : users) {
        ps.setString(1, u);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) throw new UnknownMemberException(u);
          ids.add(rs.getLong(1));
        }
      }
    }
    return ids;
  }

  private static void addMembers(Connection c, String group, Collection<String> users) throws SQLException {
    List<Long> ids = userIds(c, users);
    long groupId = groupId(c, group);
    try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM hub_group_members WHERE group_id = ? AND user_id = ?");
         PreparedStatement insert = c.prepareStatement("INSERT INTO hub_group_members (group_id, user_id) VALUES (?, ?)")) {
      for (long id : ids) {
        exists.setLong(1, groupId);
        exists.setLong(2, id);
        try (ResultSet rs = exists.executeQuery()) {
          if (rs.next()) continue;
        }
        insert.setLong(1, groupId);
        insert.setLong(2, id);
        insert.executeUpdate();
      }
    }
  }

  /** A member list names a user that does not exist; nothing was changed. */
  static final class UnknownMemberException extends IllegalArgumentException {
    UnknownMemberException(String user) {
      super("users: no user named '" + user + "'");
    }
  }
}
