package dev.gpuhub.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.gpuhub.core.profile.DefaultProfiles;
import dev.gpuhub.core.profile.Profile;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrading a database of the first release (one number per resource, SPEC §4): the shipped
 * profiles an administrator left alone get the shipped guarantees and limits; one they edited
 * keeps its numbers, its limits equal to them (as it behaved before).
 */
class ProfileLimitsMigrationTest {
  @TempDir Path dir;

  @Test
  void untouchedShippedProfilesGetGuaranteesAndLimitsEditedOnesKeepTheirNumbers() throws Exception {
    try (HikariDataSource ds = DataSources.h2File(dir)) {
      Flyway.configure().dataSource(ds).locations(SchemaMigrator.LOCATION)
          .javaMigrations(new DefaultProfilesMigration(), new DefaultProfileLimitsMigration()).target("10").load().migrate();
      try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
        // the first release's numbers, and an administrator's edit of multi-cpu
        st.executeUpdate("UPDATE profiles SET cpu_requirement = 2, ram_requirement = 2 WHERE name = 'single-cpu'");
        st.executeUpdate("UPDATE profiles SET cpu_requirement = 4, ram_requirement = 8 WHERE name = 'single-gpu'");
        st.executeUpdate("UPDATE profiles SET cpu_requirement = 3, ram_requirement = 8 WHERE name = 'multi-cpu'");
        st.executeUpdate("UPDATE profiles SET cpu_requirement = 4, ram_requirement = 16 WHERE name = 'multi-gpu'");
      }
      assertThat(SchemaMigrator.migrate(ds, SqlDialect.H2)).isGreaterThanOrEqualTo(2);
      Map<String, Profile> byName = new ProfileTable(new Jdbc(ds)).profiles().stream()
          .collect(Collectors.toMap(Profile::name, Function.identity()));
      assertThat(byName.get("single-cpu")).isEqualTo(DefaultProfiles.SINGLE_CPU.withId(byName.get("single-cpu").id()));
      assertThat(byName.get("single-gpu").cpuLimit()).isEqualTo(4.0);
      assertThat(byName.get("single-gpu").cpuGuarantee()).isEqualTo(DefaultProfiles.SINGLE_GPU.cpuGuarantee());
      assertThat(byName.get("multi-gpu").memLimit()).isEqualTo(16.0);
      assertThat(byName.get("multi-gpu").gpuCount()).as("gpu_required became one GPU").isEqualTo(1);
      assertThat(byName.get("single-cpu").gpuCount()).isZero();
      Profile edited = byName.get("multi-cpu");
      assertThat(edited.cpuGuarantee()).isEqualTo(3.0);
      assertThat(edited.cpuLimit()).isEqualTo(3.0);
      assertThat(edited.memLimit()).isEqualTo(8.0);
    }
  }

  @Test
  void aFreshDatabaseHasTheShippedGuaranteesAndLimits() {
    try (HikariDataSource ds = DataSources.h2File(dir)) {
      SchemaMigrator.migrate(ds, SqlDialect.H2);
      for (Profile p : new ProfileTable(new Jdbc(ds)).profiles()) {
        Profile shipped = DefaultProfiles.all().stream().filter(d -> d.name().equals(p.name())).findFirst().orElseThrow();
        assertThat(p).isEqualTo(shipped.withId(p.id()));
      }
    }
  }
}
