package dev.gpuhub.store.jdbc;

import dev.gpuhub.core.profile.DefaultProfiles;
import dev.gpuhub.core.profile.Profile;
import java.sql.PreparedStatement;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Flyway V2: inserts the four {@link DefaultProfiles} into a fresh database. Written in Java so the
 * numbers have one source; its SQL is frozen against the V1 columns (later migrations must not
 * change what this one does). Without a checksum, editing DefaultProfiles later does not fail
 * validation of databases that already ran it.
 */
final class DefaultProfilesMigration implements JavaMigration {

  @Override
  public MigrationVersion getVersion() {
    return MigrationVersion.fromVersion("2");
  }

  @Override
  public String getDescription() {
    return "default profiles";
  }

  @Override
  public Integer getChecksum() {
    return null;
  }

  @Override
  public boolean canExecuteInTransaction() {
    return true;
  }

  @Override
  public void migrate(Context context) throws Exception {
    try (PreparedStatement ps = context.getConnection().prepareStatement(ProfileTable.INSERT)) {
      for (Profile p : DefaultProfiles.all()) {
        ProfileTable.bind(ps, p);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
