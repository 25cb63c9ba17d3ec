package dev.gpuhub.store.jdbc;

import dev.gpuhub.store.JobRepositoryContract;
import dev.gpuhub.testkit.LocalPostgres;

/** The training job repository contract on a real PostgreSQL server, one fresh database per test. */
class PostgresJobRepositoryIT extends JobRepositoryContract {
  private final LocalPostgres pg = LocalPostgres.shared();
  private String database;

  @Override
  protected void useEmptyDatabase() {
    database = pg.createDatabase();
  }

  @Override
  protected JdbcClusterRepository open() {
    return JdbcClusterRepository.openPostgres(pg.host(), pg.port(), database, pg.user(), pg.password());
  }
}
