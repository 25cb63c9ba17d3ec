package dev.gpuhub.server.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.core.node.NodeReport;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DurableSamplerTest {
  private static final long MS = 1_000_000L;

  private static NodeReport report(String host, String ip, double cpu) {
    return new NodeReport(host, ip, 8, 32, cpu, 10.0, 10.0, false, List.of(), 10, true, 0, 0, 0, Instant.EPOCH);
  }

  @Test
  void writesAtMostOnePerNodePerResolution() {
    DurableSampler s = new DurableSampler(1000);
    assertThat(s.shouldWrite(report("a", "127.0.0.1", 1), 0)).isTrue();
    assertThat(s.shouldWrite(report("a", "127.0.0.1", 2), 500 * MS)).isFalse();
    assertThat(s.shouldWrite(report("b", "127.0.0.1", 2), 500 * MS)).isTrue(); // per node
    assertThat(s.shouldWrite(report("a", "127.0.0.1", 3), 1000 * MS)).isTrue();
  }

  @Test
  void aChangedDescriptionIsWrittenAtOnce() {
    DurableSampler s = new DurableSampler(1000);
    assertThat(s.shouldWrite(report("a", "127.0.0.1", 1), 0)).isTrue();
    assertThat(s.shouldWrite(report("a", "127.0.0.2", 1), 10 * MS)).isTrue();
  }

  @Test
  void forgottenNodesAndZeroResolutionAlwaysWrite() {
    DurableSampler s = new DurableSampler(1000);
    s.shouldWrite(report("a", "127.0.0.1", 1), 0);
    s.forget("a");
    assertThat(s.shouldWrite(report("a", "127.0.0.1", 1), 1)).isTrue();
    DurableSampler all = new DurableSampler(0);
    assertThat(all.shouldWrite(report("a", "127.0.0.1", 1), 0)).isTrue();
    assertThat(all.shouldWrite(report("a", "127.0.0.1", 1), 0)).isTrue();
  }
}
