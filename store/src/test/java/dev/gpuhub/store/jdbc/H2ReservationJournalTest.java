package dev.gpuhub.store.jdbc;

import dev.gpuhub.store.ReservationJournalContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The reservation journal contract on the embedded H2 file database. */
class H2ReservationJournalTest extends ReservationJournalContract {
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
