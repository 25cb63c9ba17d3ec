package dev.gpuhub.store.jdbc;

import dev.gpuhub.store.HubRepositoryContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The hub repository contract on the embedded H2 file database. */
class H2HubRepositoryTest extends HubRepositoryContract {
  @TempDir Path tempDir;
  private Path dataDir;

  @Override
  protected void useEmptyDatabase() {
    dataDir = tempDir.resolve("data");
  }

  @Override
  protected JdbcClusterRepository open() {
    return JdbcClusterRepository.open(DataSources.h2File(dataDir), SqlDialect.H2,
        DataSources.h2Url(dataDir), CLOCK);
  }
}
