package dev.gpuhub.server.hub.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.core.hub.ServerId;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.store.Stores;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable ledger (embedded store) keeps what was asked for until it runs or ends, oldest request first. */
class HubServerLedgerTest {
  private static final Instant T0 = Instant.parse("2026-12-05T09:00:00Z");

  @TempDir Path dir;

  @Test
  void aRequestedServerIsPendingUntilItRunsOrEndsAndAStoppedOneCanBeAskedForAgain() {
    try (Stores stores = Stores.open(StoreConfig.embedded(dir))) {
      stores.hub().createUser("alice", "x", false);
      stores.hub().createUser("bob", "x", false);
      HubServerLedger ledger = new HubServerLedger(stores.hub(), Clock.systemUTC(), name -> Optional.empty());
      ledger.requested(snapshot("bob", "", T0.plusSeconds(5)));
      ledger.requested(snapshot("alice", "gpu", T0));
      assertThat(ledger.pendingServers()).extracting(s -> s.id().compact()).containsExactly("alice/gpu", "bob");
      assertThat(ledger.pendingServers().get(0).profile()).isEqualTo("single-gpu");

      ledger.running(new ActiveServer.Snapshot("bob", "", "single-gpu", "img", List.of("n1"), "n1", "127.0.0.1", 15003,
          "c".repeat(64), 20001, "token-bob", ServerState.RUNNING, T0.plusSeconds(5), null));
      ledger.ended(new ServerId("alice", "gpu"), ServerState.FAILED, "no room");
      assertThat(ledger.pendingServers()).isEmpty();
      assertThat(ledger.runningServers()).extracting(ActiveServer.Snapshot::user).containsExactly("bob");

      ledger.ended(ServerId.defaultOf("bob"), ServerState.STOPPED, "stopped");
      assertThat(ledger.lastNodes("bob")).containsExactly("n1");
      ledger.requested(snapshot("bob", "", T0.plusSeconds(60)));
      assertThat(ledger.lastNodes("bob")).as("a new start keeps where the home is").containsExactly("n1");
      ledger.requested(snapshot("bob", "named", T0.plusSeconds(61)));
      assertThat(ledger.lastNodes("bob")).as("a start that never ran says nothing of the home").containsExactly("n1");
      assertThat(ledger.pendingServers()).filteredOn(s -> s.server().isEmpty()).singleElement().satisfies(s -> {
        assertThat(s.id()).isEqualTo(ServerId.defaultOf("bob"));
        assertThat(s.startedAt()).isEqualTo(T0.plusSeconds(60));
      });
      assertThat(ledger.runningServers()).isEmpty();
    }
  }

  private static ActiveServer.Snapshot snapshot(String user, String server, Instant at) {
    return new ActiveServer.Snapshot(user, server, "single-gpu", "img", List.of(), null, null, null, null, 0,
        "token-" + user, ServerState.PENDING, at, null);
  }
}
