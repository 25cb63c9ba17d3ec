package dev.gpuhub.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.gpuhub.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Connection pools for the two databases. Both fail fast: the pool opens one connection before it
 * is returned, so an unreachable database or a wrong password is reported at start, not at the
 * first heartbeat.
 */
public final class DataSources {
  /** File name (without H2's {@code .mv.db} suffix) of the embedded database inside the data dir. */
  public static final String H2_FILE_NAME = "gpuhub";
  /** Most pooled connections; the heartbeat writer uses one, request handlers the rest. */
  static final int MAX_POOL_SIZE = 10;
  /** How long a caller waits for a pooled connection (and a new one to connect) before failing. */
  static final long CONNECTION_TIMEOUT_MS = 5_000;
  /** How long a caller waits for a pooled PostgreSQL connection. */
  static final long PG_CONNECTION_WAIT_MS = 1_500;
  /** Seconds the PostgreSQL driver waits for a TCP connection. */
  static final int PG_CONNECT_TIMEOUT_S = 5;

  private DataSources() {}

  /**
   * JDBC URL of the embedded database in {@code dataDir} (one process may open it at a time). H2
   * writes commits to its file within half a second (its default {@code WRITE_DELAY}): a hub killed
   * with {@code kill -9} may lose the last half second of records (a start just asked for, a server
   * just recorded as running). Flushing every commit ({@code WRITE_DELAY=0}) was tried, and in CI a
   * burst of 20 logins then tripped the login throttle; labs that need every commit kept use PostgreSQL.
   */
  public static String h2Url(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve(H2_FILE_NAME)
        + ";DB_CLOSE_ON_EXIT=FALSE";
  }

  /**
   * A pool on the H2 file database in {@code dataDir}, creating the directory and the file. The
   * directory is made readable by its owner only (0700) and the files in it 0600, whatever the
   * umask: the database holds password hashes and server tokens.
   */
  public static HikariDataSource h2File(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      ownerOnly(dataDir, DIRECTORY_OWNER_ONLY);
    } catch (IOException e) {
      throw new StoreException("cannot create data directory " + dataDir.toAbsolutePath()
          + ": " + e.getMessage() + " (set GPUHUB_DATA_DIR to a writable directory)", e);
    }
    HikariConfig config = base("gpuhub-h2", h2Url(dataDir));
    config.setUsername("sa");
    config.setPassword("");
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (HikariPool.PoolInitializationException e) {
      throw new StoreException("cannot open the embedded H2 database at "
          + dataDir.toAbsolutePath().resolve(H2_FILE_NAME) + ": " + rootMessage(e)
          + " (is another gpuhub server using the same GPUHUB_DATA_DIR?)", e);
    }
    try (var files = Files.list(dataDir)) {
      for (Path f : (Iterable<Path>) files::iterator) if (Files.isRegularFile(f)) ownerOnly(f, FILE_OWNER_ONLY);
    } catch (IOException e) {
      pool.close();
      throw new StoreException("cannot restrict the permissions of " + dataDir.toAbsolutePath() + ": " + e.getMessage(), e);
    }
    return pool;
  }

  private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> DIRECTORY_OWNER_ONLY =
      java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");
  private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> FILE_OWNER_ONLY =
      java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");

  /** Sets {@code permissions} where the file system has POSIX permissions (elsewhere nothing). */
  private static void ownerOnly(Path path, java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions)
      throws IOException {
    if (Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
      Files.setPosixFilePermissions(path, permissions);
    }
  }

  /** JDBC URL of a PostgreSQL database; credentials are passed separately, never in the URL. */
  public static String postgresUrl(String host, int port, String database) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /**
   * A pool on a PostgreSQL database that renews itself once the database is back after a restart
   * ({@link RenewingDataSource}); fails with "cannot reach PostgreSQL at host:port: ...".
   */
  public static HikariDataSource postgres(String host, int port, String database, String user,
      String password) {
    HikariConfig config = base("gpuhub-postgres", postgresUrl(host, port, database));
    config.setUsername(user);
    config.setPassword(password);
    // a caller waits at most this for a connection: while the database is away it learns so soon
    // (writes are buffered or retried), and once a fresh pool took over it is not held on the old one
    config.setConnectionTimeout(PG_CONNECTION_WAIT_MS);
    config.addDataSourceProperty("connectTimeout", PG_CONNECT_TIMEOUT_S);
    // multi-row INSERTs for JDBC batches: saveHeartbeats writes thousands of metric rows at once
    config.addDataSourceProperty("reWriteBatchedInserts", true);
    config.addDataSourceProperty("ApplicationName", "gpuhub");
    try {
      return new RenewingDataSource(config); // back within about a second of a database restart
    } catch (HikariPool.PoolInitializationException e) {
      throw new StoreException("cannot reach PostgreSQL at " + host + ":" + port + ": "
          + rootMessage(e) + " (database '" + database + "', user '" + user
          + "'; check POSTGRES_HOST, POSTGRES_PORT, POSTGRES_DB, POSTGRES_USER, POSTGRES_PASSWORD)", e);
    }
  }

  private static HikariConfig base(String poolName, String url) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(poolName);
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(MAX_POOL_SIZE);
    config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
    return config;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root.getMessage();
  }
}
