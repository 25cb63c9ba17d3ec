package dev.gpuhub.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.store.ClusterRepository;
import dev.gpuhub.store.ClusterRepositoryContract;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository contract on the embedded H2 file database. */
class H2ClusterRepositoryTest extends ClusterRepositoryContract {
  @TempDir Path tempDir;
  private Path dataDir;

  @Override
  protected void useEmptyDatabase() {
    dataDir = tempDir.resolve("data");
  }

  @Override
  protected ClusterRepository open() {
    return JdbcClusterRepository.openH2(dataDir);
  }

  @Override
  protected String kind() {
    return "h2";
  }

  @Test
  void theDatabaseFileIsCreatedInTheDataDir() {
    assertThat(Files.exists(dataDir.resolve("gpuhub.mv.db"))).isTrue();
    assertThat(repo.health().detail()).contains(dataDir.resolve("gpuhub").toString());
  }
}
