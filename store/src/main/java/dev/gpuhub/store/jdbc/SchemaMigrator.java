package dev.gpuhub.store.jdbc;

import dev.gpuhub.store.StoreException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings a database to the current schema with Flyway: the SQL migrations under
 * {@link #LOCATION} (V1 schema, V3 hub tables, V4 reservations and profile placement policy, V5 training jobs;
 * accepted by H2 and PostgreSQL alike) plus
 * {@link DefaultProfilesMigration} (V2) and {@link DefaultProfileLimitsMigration} (V12).
 * Each migration runs once per database, so a default profile an admin deleted stays deleted.
 */
public final class SchemaMigrator {
  /** Where the SQL migrations live. */
  static final String LOCATION = "classpath:db/migration/common";

  private SchemaMigrator() {}

  /** Applies pending migrations; returns how many ran. */
  public static int migrate(DataSource dataSource, SqlDialect dialect) {
    try {
      MigrateResult result = Flyway.configure()
          .dataSource(dataSource)
          .locations(LOCATION)
          .javaMigrations(new DefaultProfilesMigration(), new DefaultProfileLimitsMigration())
          .load()
          .migrate();
      return result.migrationsExecuted;
    } catch (FlywayException e) {
      throw new StoreException("cannot migrate the " + dialect.kind() + " schema: " + e.getMessage(), e);
    }
  }
}
