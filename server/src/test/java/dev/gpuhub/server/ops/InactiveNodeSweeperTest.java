package dev.gpuhub.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.core.node.Heartbeat;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.store.Stores;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InactiveNodeSweeperTest {
  @TempDir Path dir;

  private static NodeReport report(String host) {
    return new NodeReport(host, "127.0.0.1", 8, 32, 1.0, 1.0, 1.0, false, List.of(), 10, true, 0, 0, 0, Instant.EPOCH);
  }

  @Test
  void marksNodesWithoutLiveStateInactiveAndPrunesMetricsPastRetention() {
    Instant now = Instant.parse("2026-11-22T12:00:00Z");
    try (Stores stores = Stores.open(StoreConfig.embedded(dir))) {
      stores.repository().saveHeartbeats(List.of(
          new Heartbeat(report("gone"), 1, now.minus(Duration.ofDays(8))),
          new Heartbeat(report("alive"), 1, now.minus(Duration.ofDays(6))),
          new Heartbeat(report("alive"), 1, now)));
      stores.live().put(report("alive"));
      List<String> heard = new ArrayList<>();
      InactiveNodeSweeper sweeper = new InactiveNodeSweeper(stores.repository(), stores.live(),
          Duration.ofDays(7), Clock.fixed(now, ZoneOffset.UTC), heard::addAll);

      InactiveNodeSweeper.SweepResult result = sweeper.sweep();

      assertThat(result.markedInactive()).containsExactly("gone");
      assertThat(heard).containsExactly("gone");
      assertThat(result.metricRowsPruned()).isEqualTo(1);
      assertThat(stores.repository().activeHostnames()).containsExactly("alive");
      assertThat(stores.repository().allNodes()).hasSize(2);
      assertThat(stores.repository().recentMetrics("alive", 10)).hasSize(2);
      assertThat(sweeper.sweep().markedInactive()).isEmpty(); // idempotent
    }
  }
}
