package dev.gpuhub.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.store.ClusterRepository;
import dev.gpuhub.store.ClusterRepositoryContract;
import dev.gpuhub.store.StoreException;
import dev.gpuhub.testkit.FreePorts;
import dev.gpuhub.testkit.LocalPostgres;
import org.junit.jupiter.api.Test;

/** The repository contract on a real PostgreSQL server, one fresh database per test. */
class PostgresClusterRepositoryIT extends ClusterRepositoryContract {
  private final LocalPostgres pg = LocalPostgres.shared();
  private String database;

  @Override
  protected void useEmptyDatabase() {
    database = pg.createDatabase();
  }

  @Override
  protected ClusterRepository open() {
    return JdbcClusterRepository.openPostgres(pg.host(), pg.port(), database, pg.user(), pg.password());
  }

  @Override
  protected String kind() {
    return "postgres";
  }

  @Test
  void aWrongPasswordFailsFastNamingTheServer() {
    assertThatThrownBy(() -> JdbcClusterRepository.openPostgres(pg.host(), pg.port(), database,
        pg.user(), "wrong-password"))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot reach PostgreSQL at 127.0.0.1:" + pg.port() + ": ")
        .hasMessageContaining("password authentication failed");
  }

  @Test
  void anUnreachableServerFailsFast() {
    int port = FreePorts.pick();
    long start = System.nanoTime();
    assertThatThrownBy(() -> JdbcClusterRepository.openPostgres("127.0.0.1", port, "gpuhub",
        "gpuhub", "x"))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot reach PostgreSQL at 127.0.0.1:" + port + ": ");
    assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
  }
}
