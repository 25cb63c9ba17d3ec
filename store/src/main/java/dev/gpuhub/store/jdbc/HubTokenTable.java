package dev.gpuhub.store.jdbc;

import dev.gpuhub.store.HubTokenOwner;
import dev.gpuhub.store.HubTokenRecord;
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

/** Table {@code hub_tokens}: API tokens, kept only as the hex SHA-256 of each token. */
final class HubTokenTable {
  /** Token columns under labels that do not clash with the user columns of a join. */
  private static final String COLUMNS = "t.id AS t_id, t.user_id AS t_user_id, t.note AS t_note,"
      + " t.created_at AS t_created_at, t.expires_at AS t_expires_at, t.last_used AS t_last_used, t.scopes AS t_scopes";

  private final Jdbc jdbc;
  private final Clock clock;

  HubTokenTable(Jdbc jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  HubTokenRecord create(long userId, String tokenHash, String note, Instant expiresAt, String scopes) {
    Instant createdAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Instant expires = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS);
    return UniqueClash.orDuplicate("a token with this hash already exists; make a new random token",
        () -> jdbc.write("create a token for hub user #" + userId, c -> {
          String sql = "INSERT INTO hub_tokens (user_id, token_hash, note, created_at, expires_at, scopes)"
              + " VALUES (?, ?, ?, ?, ?, ?)";
          try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            ps.setLong(1, userId);
            ps.setString(2, tokenHash);
            ps.setString(3, note);
            ps.setObject(4, Jdbc.utc(createdAt));
            ps.setObject(5, Jdbc.utc(expires));
            ps.setString(6, scopes);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
              if (!keys.next()) throw new SQLException("the database returned no id for the new token");
              return new HubTokenRecord(keys.getLong("id"), userId, note, createdAt, expires, null, scopes);
            }
          }
        }));
  }

  Optional<HubTokenOwner> findByHash(String tokenHash, Instant now) {
    return jdbc.read("look up an API token", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + ", "
          + HubUserTable.COLUMNS + " FROM hub_tokens t JOIN hub_users u ON u.id = t.user_id"
          + " WHERE t.token_hash = ? AND (t.expires_at IS NULL OR t.expires_at > ?)")) {
        ps.setString(1, tokenHash);
        ps.setObject(2, Jdbc.utc(now));
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) return Optional.<HubTokenOwner>empty();
          return Optional.of(new HubTokenOwner(token(rs), HubUserTable.user(rs)));
        }
      }
    });
  }

  List<HubTokenRecord> of(long userId) {
    return jdbc.read("list tokens of hub user #" + userId, c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + COLUMNS + " FROM hub_tokens t WHERE t.user_id = ? ORDER BY t.id")) {
        ps.setLong(1, userId);
        try (ResultSet rs = ps.executeQuery()) {
          List<HubTokenRecord> rows = new ArrayList<>();
          while (rs.next()) rows.add(token(rs));
          return rows;
        }
      }
    });
  }

  boolean delete(long userId, long tokenId) {
    return jdbc.write("delete token #" + tokenId, c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM hub_tokens WHERE id = ? AND user_id = ?")) {
        ps.setLong(1, tokenId);
        ps.setLong(2, userId);
        return ps.executeUpdate() > 0;
      }
    });
  }

  int deleteExpired(Instant now) {
    return jdbc.write("delete expired tokens", c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM hub_tokens WHERE expires_at IS NOT NULL AND expires_at <= ?")) {
        ps.setObject(1, Jdbc.utc(now));
        return ps.executeUpdate();
      }
    });
  }

  boolean touch(long tokenId, Instant at) {
    return jdbc.write("record use of token #" + tokenId, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE hub_tokens SET last_used = ? WHERE id = ?")) {
        ps.setObject(1, Jdbc.utc(at.truncatedTo(ChronoUnit.MICROS)));
        ps.setLong(2, tokenId);
        return ps.executeUpdate() > 0;
      }
    });
  }

  private static HubTokenRecord token(ResultSet rs) throws SQLException {
    return new HubTokenRecord(rs.getLong("t_id"), rs.getLong("t_user_id"), rs.getString("t_note"),
        Jdbc.instant(rs, "t_created_at"), Jdbc.instant(rs, "t_expires_at"),
        Jdbc.instant(rs, "t_last_used"), rs.getString("t_scopes"));
  }
}
