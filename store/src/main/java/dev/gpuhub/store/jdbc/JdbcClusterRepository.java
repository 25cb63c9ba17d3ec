package dev.gpuhub.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.gpuhub.core.node.Heartbeat;
import dev.gpuhub.core.node.NodeMetricRecord;
import dev.gpuhub.core.node.NodeRecord;
import dev.gpuhub.core.placement.NodeSelection;
import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.store.ClusterRepository;
import dev.gpuhub.store.StoreHealth;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * {@link ClusterRepository} on H2 or PostgreSQL through a HikariCP pool; the schema is managed by
 * {@link SchemaMigrator}. Every method is one transaction; SQL failures surface as
 * {@link dev.gpuhub.store.StoreException} naming the operation. {@link #close()} closes the pool.
 */
public final class JdbcClusterRepository implements ClusterRepository {
  /** Seconds {@link #health()} waits for the database to answer. */
  private static final int HEALTH_TIMEOUT_S = 2;

  private final HikariDataSource dataSource;
  private final SqlDialect dialect;
  private final String location;
  private final NodeTables nodes;
  private final ProfileTable profiles;
  private final SelectionTable selections;
  private final JdbcHubRepository hub;
  private final JdbcReservationJournal reservations;
  private final JdbcJobRepository jobs;
  private final JdbcServiceRepository services;
  private final Jdbc jdbc;

  private JdbcClusterRepository(HikariDataSource dataSource, SqlDialect dialect, String location,
      Clock clock, SecretBox box) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.location = location;
    Jdbc jdbc = new Jdbc(dataSource);
    this.jdbc = jdbc;
    this.nodes = new NodeTables(jdbc, dialect);
    this.profiles = new ProfileTable(jdbc);
    this.selections = new SelectionTable(jdbc, dialect, clock);
    this.hub = new JdbcHubRepository(dataSource, dialect, clock, box);
    this.reservations = new JdbcReservationJournal(jdbc, dialect);
    this.jobs = new JdbcJobRepository(jdbc, dialect);
    this.services = new JdbcServiceRepository(jdbc, dialect);
  }

  /**
   * Migrates the database behind {@code dataSource} and wraps it; closes the pool if migration
   * fails. {@code location} is where the database is (no credentials), for health reports;
   * {@code box} seals the secrets the database keeps.
   */
  public static JdbcClusterRepository open(HikariDataSource dataSource, SqlDialect dialect,
      String location, Clock clock, SecretBox box) {
    try {
      SchemaMigrator.migrate(dataSource, dialect);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    return new JdbcClusterRepository(dataSource, dialect, location, clock, box);
  }

  /** The embedded H2 database {@code <dataDir>/gpuhub}, created on first use, its secrets sealed with the data directory's key. */
  public static JdbcClusterRepository openH2(Path dataDir) {
    HikariDataSource pool = DataSources.h2File(dataDir);
    return open(pool, SqlDialect.H2, DataSources.h2Url(dataDir), Clock.systemUTC(), secretBox(dataDir, pool));
  }

  /**
   * A PostgreSQL database, its secrets sealed with the key in {@code keyDir} (the control plane's
   * data directory); fails fast when it cannot be reached or the login is refused.
   */
  public static JdbcClusterRepository openPostgres(String host, int port, String database,
      String user, String password, Path keyDir) {
    HikariDataSource pool = DataSources.postgres(host, port, database, user, password);
    return open(pool, SqlDialect.POSTGRESQL, DataSources.postgresUrl(host, port, database), Clock.systemUTC(),
        secretBox(keyDir, pool));
  }

  /** As above with a key that dies with this process: for tests and benchmarks. */
  public static JdbcClusterRepository openPostgres(String host, int port, String database,
      String user, String password) {
    return open(DataSources.postgres(host, port, database, user, password), SqlDialect.POSTGRESQL,
        DataSources.postgresUrl(host, port, database), Clock.systemUTC(), SecretBox.ephemeral());
  }

  private static SecretBox secretBox(Path dir, HikariDataSource pool) {
    try {
      return SecretBox.inDirectory(dir);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /** The hub records (users, tokens, servers) in the same database, on the same pool. */
  public JdbcHubRepository hub() {
    return hub;
  }

  /** The placement reservations (table {@code reservations}) in the same database, on the same pool. */
  public JdbcReservationJournal reservations() {
    return reservations;
  }

  /** The training jobs (table {@code training_jobs}) in the same database, on the same pool. */
  public JdbcJobRepository jobs() {
    return jobs;
  }

  /** The declared replicated services (table {@code services}) in the same database, on the same pool. */
  public JdbcServiceRepository services() {
    return services;
  }

  @Override
  public void saveHeartbeats(List<Heartbeat> batch) {
    nodes.saveHeartbeats(batch);
  }

  @Override
  public List<NodeRecord> allNodes() {
    return nodes.allNodes();
  }

  @Override
  public Optional<NodeRecord> findNode(String hostname) {
    return nodes.findNode(hostname);
  }

  @Override
  public List<String> activeHostnames() {
    return nodes.activeHostnames();
  }

  @Override
  public int markInactive(Collection<String> hostnames) {
    return nodes.markInactive(hostnames);
  }

  @Override
  public List<NodeMetricRecord> recentMetrics(String hostname, int limit) {
    return nodes.recentMetrics(hostname, limit);
  }

  @Override
  public int pruneMetricsBefore(Instant cutoff) {
    return nodes.pruneMetricsBefore(cutoff);
  }

  @Override
  public List<Profile> profiles() {
    return profiles.profiles();
  }

  @Override
  public Optional<Profile> profile(long id) {
    return profiles.profile(id);
  }

  @Override
  public Optional<Profile> profileByName(String name) {
    return profiles.profileByName(name);
  }

  @Override
  public Profile createProfile(Profile profile) {
    return profiles.create(profile);
  }

  @Override
  public Optional<Profile> updateProfile(Profile profile) {
    return profiles.update(profile);
  }

  @Override
  public boolean deleteProfile(long id) {
    return profiles.delete(id);
  }

  @Override
  public NodeSelection recordSelection(NodeSelection selection) {
    return selections.record(selection);
  }

  @Override
  public List<NodeSelection> recentSelections(int limit) {
    return selections.recent(limit);
  }

  @Override
  public StoreHealth health() {
    try (Connection connection = dataSource.getConnection()) {
      boolean ok = connection.isValid(HEALTH_TIMEOUT_S);
      return new StoreHealth(dialect.kind(), ok, ok ? location : location + ": connection not valid");
    } catch (Exception e) {
      return new StoreHealth(dialect.kind(), false, location + ": " + e.getMessage());
    }
  }

  @Override
  public java.time.Instant lastWrite() {
    return jdbc.lastWrite();
  }

  /** Closes the pool; idempotent. */
  @Override
  public void close() {
    dataSource.close();
  }
}
