package dev.gpuhub.store.jdbc;

import dev.gpuhub.store.JobRepositoryContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The training job repository contract on the embedded H2 file database. */
class H2JobRepositoryTest extends JobRepositoryContract {
  @TempDir Path tempDir;
  private Path dataDir;

  @Override
  protected void useEmptyDatabase() {
    dataDir = tempDir.resolve("data");
  }

  @Override
  protected JdbcClusterRepository open() {
    return JdbcClusterRepository.openH2(dataDir);
  }
}
