package dev.gpuhub.store;

import dev.gpuhub.core.allocation.ReservationJournal;
import dev.gpuhub.store.jdbc.JdbcClusterRepository;
import dev.gpuhub.store.memory.InMemoryNodeLiveState;
import dev.gpuhub.store.redis.RedisNodeLiveState;
import java.util.Objects;

/**
 * The stores a server runs on, opened together from a {@link StoreConfig} and closed together.
 *
 * @param repository durable cluster records (H2 or PostgreSQL)
 * @param live       live node state with a TTL (memory or Redis)
 * @param hub        durable hub records (users, tokens, servers) in the same database as
 *                   {@code repository}; closed with it
 * @param reservations durable placement reservations in the same database as {@code repository};
 *                   closed with it
 * @param jobs       durable training jobs in the same database as {@code repository}; closed with it
 * @param services   declared replicated services in the same database as {@code repository}; closed with it
 */
public record Stores(ClusterRepository repository, NodeLiveState live, HubRepository hub,
                     ReservationJournal reservations, JobRepository jobs, ServiceRepository services)
    implements AutoCloseable {

  public Stores {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(live, "live");
    Objects.requireNonNull(hub, "hub");
    Objects.requireNonNull(reservations, "reservations");
    Objects.requireNonNull(jobs, "jobs");
    Objects.requireNonNull(services, "services");
  }

  /**
   * Opens the configured stores: creates the connection pool, migrates the schema (creating the
   * embedded database on first start) and connects to Redis if chosen. Fails fast with a
   * {@link StoreException} such as "cannot reach PostgreSQL at 127.0.0.1:5433: ..." when a server is
   * unreachable; nothing stays open then.
   */
  public static Stores open(StoreConfig config) {
    JdbcClusterRepository repository = switch (config.durable()) {
      case EMBEDDED -> JdbcClusterRepository.openH2(config.dataDir());
      case POSTGRES -> JdbcClusterRepository.openPostgres(config.postgresHost(),
          config.postgresPort(), config.postgresDb(), config.postgresUser(), config.postgresPassword(), config.dataDir());
    };
    try {
      NodeLiveState live = switch (config.live()) {
        case MEMORY -> new InMemoryNodeLiveState(config.liveTtl());
        case REDIS -> RedisNodeLiveState.connect(config.redisHost(), config.redisPort(),
            config.redisPassword(), config.redisExpireSeconds());
      };
      return new Stores(repository, live, repository.hub(), repository.reservations(), repository.jobs(),
          repository.services());
    } catch (RuntimeException e) {
      repository.close();
      throw e;
    }
  }

  /** Closes the live state, then the repository; idempotent. */
  @Override
  public void close() {
    try {
      live.close();
    } finally {
      repository.close();
    }
  }
}
