package dev.gpuhub.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.gpuhub.store.StoreException;
import dev.gpuhub.wire.WireJson;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import javax.sql.DataSource;

/** Connection, transaction, error and conversion plumbing shared by the table classes. */
final class Jdbc {
  /** SQLState of a unique-constraint violation (SQL standard; H2 and PostgreSQL both use it). */
  static final String UNIQUE_VIOLATION = "23505";

  /** Work done on one connection. */
  interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  private final DataSource dataSource;
  /** When a write transaction last committed (null: none yet in this process). */
  private volatile java.time.Instant lastWrite;

  Jdbc(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Runs read-only work in auto-commit mode; {@code what} completes "cannot ...". */
  <T> T read(String what, Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      return work.apply(connection);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** Runs work in one transaction: committed when it returns, rolled back when it throws. */
  /** When a write through this object last committed; null when none has yet. */
  java.time.Instant lastWrite() {
    return lastWrite;
  }

  <T> T write(String what, Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.apply(connection);
        connection.commit();
        lastWrite = java.time.Instant.now();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          connection.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      } catch (AssertionError e) {
        // A driver's own assertion (PostgreSQL's JDBC driver under -ea, on a connection the database dropped): the
        // connection's state is not to be trusted, so it never goes back to the pool, where a later commit on it
        // could be silently lost.
        evict(connection);
        throw new StoreException("cannot " + what + ": the database driver failed on a broken connection (" + e.getMessage()
            + ")", e);
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private void evict(Connection connection) {
    if (dataSource instanceof com.zaxxer.hikari.HikariDataSource hikari) hikari.evictConnection(connection);
  }

  static StoreException failure(String what, SQLException e) {
    SQLException root = e.getNextException() != null ? e.getNextException() : e;
    return new StoreException("cannot " + what + ": " + root.getMessage()
        + " (SQLState " + root.getSQLState() + ")", e);
  }

  /** Whether {@code e} (or the exception a batch chained to it) is a unique-constraint violation. */
  static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        for (SQLException s = sql; s != null; s = s.getNextException()) {
          if (UNIQUE_VIOLATION.equals(s.getSQLState())) return true;
        }
      }
    }
    return false;
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  /** "?, ?, ?" with {@code n} placeholders, for IN lists. */
  static String placeholders(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

  static String toJson(Object value) {
    try {
      return WireJson.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot write JSON for the store: " + e.getOriginalMessage(), e);
    }
  }

  static <T> T fromJson(String json, TypeReference<T> type) {
    try {
      return WireJson.mapper().readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot read JSON from the store: " + e.getOriginalMessage(), e);
    }
  }
}
