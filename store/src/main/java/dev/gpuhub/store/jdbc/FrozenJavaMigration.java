package dev.gpuhub.store.jdbc;

import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * A Flyway migration written in Java so that its numbers have one source in the code: one
 * transaction, no checksum (editing the source of its numbers later does not fail the validation
 * of databases that ran it), its SQL frozen against the columns of its version.
 */
abstract class FrozenJavaMigration implements JavaMigration {
  private final String version;
  private final String description;

  FrozenJavaMigration(String version, String description) {
    this.version = version;
    this.description = description;
  }

  @Override
  public final MigrationVersion getVersion() {
    return MigrationVersion.fromVersion(version);
  }

  @Override
  public final String getDescription() {
    return description;
  }

  @Override
  public final Integer getChecksum() {
    return null;
  }

  @Override
  public final boolean canExecuteInTransaction() {
    return true;
  }
}
