package dev.gpuhub.store.jdbc;

import dev.gpuhub.core.profile.DefaultProfiles;
import dev.gpuhub.core.profile.Profile;
import java.sql.PreparedStatement;
import org.flywaydb.core.api.migration.Context;

/**
 * Flyway V2: inserts the four {@link DefaultProfiles} into a fresh database. Written in Java so the
 * numbers have one source; its SQL is frozen against the V1 columns (later migrations must not
 * change what this one does), so it does not share {@link ProfileTable}'s insert: columns added
 * later (V4's {@code placement_policy}) do not exist yet when it runs and keep their defaults
 * (NULL: the server's default policy). Without a checksum, editing DefaultProfiles later does not
 * fail validation of databases that already ran it.
 */
final class DefaultProfilesMigration extends FrozenJavaMigration {
  /** The V1 columns of {@code profiles}; frozen. */
  private static final String INSERT = "INSERT INTO profiles (name, display_name, description,"
      + " cpu_requirement, ram_requirement, gpu_required, min_nodes, max_nodes, max_cpu_usage,"
      + " max_memory_usage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  DefaultProfilesMigration() {
    super("2", "default profiles");
  }

  @Override
  public void migrate(Context context) throws Exception {
    try (PreparedStatement ps = context.getConnection().prepareStatement(INSERT)) {
      for (Profile p : DefaultProfiles.all()) {
        ps.setString(1, p.name());
        ps.setString(2, p.displayName());
        ps.setString(3, p.description());
        ps.setDouble(4, p.cpuGuarantee());
        ps.setDouble(5, p.memGuarantee());
        ps.setBoolean(6, p.gpuRequired());
        ps.setInt(7, p.minNodes());
        ps.setInt(8, p.maxNodes());
        ps.setDouble(9, p.maxCpuUsage());
        ps.setDouble(10, p.maxMemoryUsage());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
