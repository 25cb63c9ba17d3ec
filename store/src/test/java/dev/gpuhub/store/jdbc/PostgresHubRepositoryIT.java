package dev.gpuhub.store.jdbc;

import dev.gpuhub.store.HubRepositoryContract;
import dev.gpuhub.testkit.LocalPostgres;

/** The hub repository contract on a real PostgreSQL server, one fresh database per test. */
class PostgresHubRepositoryIT extends HubRepositoryContract {
  private final LocalPostgres pg = LocalPostgres.shared();
  private String database;

  @Override
  protected void useEmptyDatabase() {
    database = pg.createDatabase();
  }

  @Override
  protected JdbcClusterRepository open() {
    return JdbcClusterRepository.open(
        DataSources.postgres(pg.host(), pg.port(), database, pg.user(), pg.password()),
        SqlDialect.POSTGRESQL, DataSources.postgresUrl(pg.host(), pg.port(), database), CLOCK, SecretBox.ephemeral());
  }
}
