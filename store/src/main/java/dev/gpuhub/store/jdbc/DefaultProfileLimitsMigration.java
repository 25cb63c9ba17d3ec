package dev.gpuhub.store.jdbc;

import dev.gpuhub.core.profile.DefaultProfiles;
import dev.gpuhub.core.profile.Profile;
import java.sql.PreparedStatement;
import java.util.Map;
import org.flywaydb.core.api.migration.Context;

/**
 * Flyway V12: gives the four shipped profiles the guarantees and limits of {@link DefaultProfiles}
 * where an administrator has not changed them: a row still holding the first release's numbers
 * (SPEC §4: guarantee = limit) or the guarantees V2 just inserted into a fresh database. A profile
 * an administrator edited keeps what they set (its limits equal its guarantees, from V11).
 * Frozen against the V11 columns; without a checksum, like {@link DefaultProfilesMigration}.
 */
final class DefaultProfileLimitsMigration extends FrozenJavaMigration {
  /** The first release's cores and GB per shipped profile (SPEC §4), frozen. */
  private static final Map<String, double[]> FIRST_RELEASE = Map.of(
      "single-cpu", new double[] {2, 2}, "single-gpu", new double[] {4, 8},
      "multi-cpu", new double[] {4, 8}, "multi-gpu", new double[] {4, 16});
  private static final String UPDATE = "UPDATE profiles SET cpu_requirement = ?, ram_requirement = ?, cpu_limit = ?,"
      + " mem_limit = ?, description = ? WHERE name = ? AND cpu_limit = cpu_requirement AND mem_limit = ram_requirement"
      + " AND ((cpu_requirement = ? AND ram_requirement = ?) OR (cpu_requirement = ? AND ram_requirement = ?))";

  DefaultProfileLimitsMigration() {
    super("12", "default profile guarantees and limits");
  }

  @Override
  public void migrate(Context context) throws Exception {
    try (PreparedStatement ps = context.getConnection().prepareStatement(UPDATE)) {
      for (Profile p : DefaultProfiles.all()) {
        double[] first = FIRST_RELEASE.get(p.name());
        ps.setDouble(1, p.cpuGuarantee());
        ps.setDouble(2, p.memGuarantee());
        ps.setDouble(3, p.cpuLimit());
        ps.setDouble(4, p.memLimit());
        ps.setString(5, p.description());
        ps.setString(6, p.name());
        ps.setDouble(7, first[0]);
        ps.setDouble(8, first[1]);
        ps.setDouble(9, p.cpuGuarantee());
        ps.setDouble(10, p.memGuarantee());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
