package dev.gpuhub.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.service.ServiceSpec;
import dev.gpuhub.store.jdbc.JdbcClusterRepository;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every durable {@link ServiceRepository} must do; subclasses bind it to one database. */
public abstract class ServiceRepositoryContract {
  private JdbcClusterRepository cluster;
  private ServiceRepository services;

  protected abstract void useEmptyDatabase();

  protected abstract JdbcClusterRepository open();

  @BeforeEach
  void openRepository() {
    useEmptyDatabase();
    cluster = open();
    services = cluster.services();
  }

  @AfterEach
  void closeRepository() {
    cluster.close();
  }

  static ServiceSpec vote() {
    return new ServiceSpec("vote", "voting/vote:1", List.of("python3", "app.py", "--port", "$PORT"), 300, 128, 130, 1, 8,
        "least_connections");
  }

  @Test
  void servicesRoundTripWholeAndListByName() {
    ServiceSpec db = new ServiceSpec("db", "postgres:16", List.of(), 200, 256, 1000, 1, 1, "round_robin");
    services.create(vote());
    services.create(db);
    assertThat(services.all()).containsExactly(db, vote());
    assertThat(services.find("vote")).contains(vote());
    assertThat(services.find("nope")).isEmpty();
    cluster.close();
    cluster = open();
    services = cluster.services();
    assertThat(services.all()).containsExactly(db, vote());
  }

  @Test
  void aSecondServiceWithTheSameNameIsRefusedAndNothingChanges() {
    services.create(vote());
    ServiceSpec clash = new ServiceSpec("vote", "other:1", List.of(), 1, 1, 1, 1, 1, "round_robin");
    assertThatThrownBy(() -> services.create(clash)).isInstanceOf(DuplicateNameException.class)
        .hasMessage("service 'vote' already exists");
    assertThat(services.find("vote")).contains(vote());
  }

  @Test
  void updateReplacesEverythingButTheNameAndDeleteRemoves() {
    services.create(vote());
    ServiceSpec changed = new ServiceSpec("vote", "voting/vote:2", List.of(), 500, 256, 150, 2, 4, "round_robin");
    assertThat(services.update(changed)).isTrue();
    assertThat(services.find("vote")).contains(changed);
    assertThat(services.update(new ServiceSpec("ghost", "x", List.of(), 1, 1, 1, 1, 1, "round_robin"))).isFalse();
    assertThat(services.delete("vote")).isTrue();
    assertThat(services.delete("vote")).isFalse();
    assertThat(services.all()).isEmpty();
  }
}
