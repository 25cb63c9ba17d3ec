package dev.gpuhub.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL pool that is back within about a second of the database. HikariCP refills a pool
 * whose connections all died (a database restart) with a back-off that grows to 5 s and cannot be
 * configured, so a database back after a few seconds' outage may wait up to 5 s more. Here, every
 * {@link #CHECK_EVERY}, a pool left with no connection is checked against the database directly; when
 * the database answers, a fresh pool (same configuration) takes over at once and the old one is
 * closed. Callers keep this one object: {@link #getConnection()} and {@link #evictConnection} go to
 * the pool in charge; {@link #close()} closes everything.
 */
final class RenewingDataSource extends HikariDataSource {
  private static final Logger LOG = LoggerFactory.getLogger(RenewingDataSource.class);
  /** How often a pool without connections is checked. */
  static final Duration CHECK_EVERY = Duration.ofMillis(500);

  private final HikariConfig config;
  /** The pool in charge; this object's own (super) pool until the first renewal. */
  private final AtomicReference<HikariDataSource> renewed = new AtomicReference<>();
  private final ScheduledExecutorService doctor;
  private volatile boolean closing;

  RenewingDataSource(HikariConfig config) {
    super(config);
    this.config = copy(config);
    this.doctor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, config.getPoolName() + "-renewer");
      t.setDaemon(true);
      return t;
    });
    doctor.scheduleWithFixedDelay(this::check, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static HikariConfig copy(HikariConfig config) {
    HikariConfig c = new HikariConfig();
    config.copyStateTo(c);
    return c;
  }

  @Override
  public Connection getConnection() throws SQLException {
    HikariDataSource current = renewed.get();
    return current == null ? super.getConnection() : current.getConnection();
  }

  @Override
  public void evictConnection(Connection connection) {
    HikariDataSource current = renewed.get();
    if (current == null) super.evictConnection(connection);
    else current.evictConnection(connection);
  }

  /** Renews the pool when it holds no connection while the database accepts one. */
  private void check() {
    try {
      HikariDataSource current = renewed.get();
      var stats = current == null ? getHikariPoolMXBean() : current.getHikariPoolMXBean();
      if (closing || stats == null || stats.getTotalConnections() > 0 || !databaseAnswers()) return;
      HikariDataSource fresh = new HikariDataSource(copy(config));
      if (closing || !renewed.compareAndSet(current, fresh)) {
        fresh.close();
        return;
      }
      LOG.atInfo().addKeyValue("pool", config.getPoolName())
          .log("the database answers again and the pool had no connection: a fresh pool took over");
      if (current != null) current.close();
      else super.close();
    } catch (RuntimeException e) {
      LOG.atDebug().setCause(e).log("pool check failed; the next one tries again");
    }
  }

  /** Whether the database accepts a connection now (one second at most). */
  private boolean databaseAnswers() {
    Properties p = new Properties();
    if (config.getUsername() != null) p.setProperty("user", config.getUsername());
    if (config.getPassword() != null) p.setProperty("password", config.getPassword());
    p.setProperty("connectTimeout", "1");
    p.setProperty("socketTimeout", "1");
    try (Connection c = DriverManager.getConnection(config.getJdbcUrl(), p)) {
      return c.isValid(1);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    closing = true;
    doctor.shutdownNow();
    HikariDataSource current = renewed.getAndSet(null);
    if (current != null) current.close();
    super.close();
  }
}
