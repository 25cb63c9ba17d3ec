package dev.gpuhub.store;

import static dev.gpuhub.store.TestData.T0;
import static dev.gpuhub.store.TestData.heartbeat;
import static dev.gpuhub.store.TestData.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.allocation.Reservation;
import dev.gpuhub.core.allocation.ReservationState;
import dev.gpuhub.store.memory.InMemoryNodeLiveState;
import dev.gpuhub.testkit.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening the embedded stores, and failing fast on servers that are not there. */
class StoresTest {
  private static final Reservation RESERVATION = new Reservation("r-1", "server:alice", "single-gpu",
      "h1", 4, 8, List.of("GPU-1b2c3d4e"), ReservationState.HELD, T0, T0.plusSeconds(120), null, null);

  @TempDir Path dataDir;

  @Test
  void theDefaultsOpenAnH2FileAndInMemoryLiveState() {
    StoreConfig config = StoreConfig.fromEnv(Map.of("GPUHUB_DATA_DIR", dataDir.toString(),
        "REDIS_EXPIRE_SECONDS", "20"));
    try (Stores stores = Stores.open(config)) {
      assertThat(stores.live()).isInstanceOf(InMemoryNodeLiveState.class);
      assertThat(stores.live().ttl()).isEqualTo(Duration.ofSeconds(20));
      assertThat(stores.repository().health().kind()).isEqualTo("h2");
      assertThat(stores.repository().profiles()).hasSize(4);
      stores.repository().saveHeartbeats(List.of(heartbeat("h1", T0)));
      stores.live().put(report("h1"));
      stores.hub().createUser("alice", null, true);
      stores.reservations().added(List.of(RESERVATION));
    }
    assertThat(Files.exists(dataDir.resolve("gpuhub.mv.db"))).isTrue();
    try (Stores reopened = Stores.open(StoreConfig.embedded(dataDir))) {
      assertThat(reopened.repository().findNode("h1")).isPresent();
      assertThat(reopened.live().all()).isEmpty(); // live state is not durable
      assertThat(reopened.hub().findUser("alice").orElseThrow().admin()).isTrue();
      assertThat(reopened.reservations().all()).containsExactly(RESERVATION);
    }
  }

  @Test
  void anUnreachablePostgresFailsFastWithTheAddress() {
    int port = FreePorts.pick();
    StoreConfig config = StoreConfig.fromEnv(Map.of("GPUHUB_STORE", "postgres",
        "POSTGRES_HOST", "127.0.0.1", "POSTGRES_PORT", String.valueOf(port), "POSTGRES_PASSWORD", "x"));
    assertThatThrownBy(() -> Stores.open(config))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot reach PostgreSQL at 127.0.0.1:" + port + ": ")
        .hasMessageContaining("Connection refused");
  }

  @Test
  void anUnreachableRedisFailsFastAndClosesTheRepository() {
    int port = FreePorts.pick();
    StoreConfig config = StoreConfig.fromEnv(Map.of("GPUHUB_DATA_DIR", dataDir.toString(),
        "GPUHUB_LIVE", "redis", "REDIS_HOST", "127.0.0.1", "REDIS_PORT", String.valueOf(port)));
    assertThatThrownBy(() -> Stores.open(config))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot reach Redis at 127.0.0.1:" + port + ": ");
    // the H2 file is not left locked: it opens again at once
    try (Stores stores = Stores.open(StoreConfig.embedded(dataDir))) {
      assertThat(stores.repository().health().ok()).isTrue();
    }
  }

  @Test
  void anUnwritableDataDirIsReportedWithTheFix() throws Exception {
    Path file = Files.writeString(dataDir.resolve("not-a-dir"), "x");
    assertThatThrownBy(() -> Stores.open(StoreConfig.embedded(file.resolve("data"))))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot create data directory")
        .hasMessageContaining("GPUHUB_DATA_DIR");
  }
}
