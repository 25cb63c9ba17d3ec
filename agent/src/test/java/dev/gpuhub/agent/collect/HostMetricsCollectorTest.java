package dev.gpuhub.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Reads this machine through OSHI; checks ranges and rounding, not exact values. */
class HostMetricsCollectorTest {

  @Test
  void measuresThisHostWithinRangesAndRounded() {
    long start = System.nanoTime();
    HostMetrics m = new HostMetricsCollector(Duration.ofMillis(200)).collect();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));

    assertThat(m.cpuCores()).isPositive();
    assertThat(m.ramGb()).isPositive();
    assertThat(m.ramGb() * 100).isEqualTo(Math.rint(m.ramGb() * 100));
    for (Double percent : new Double[] {m.cpuUsagePercent(), m.memoryUsagePercent(), m.diskUsagePercent()}) {
      assertThat(percent).isNotNull().isBetween(0.0, 100.0);
      assertThat(percent * 10).isCloseTo(Math.rint(percent * 10), org.assertj.core.data.Offset.offset(1e-9));
    }
    assertThat(m.memoryUsagePercent()).isPositive();
    assertThat(m.diskUsagePercent()).isPositive();
  }

  @Test
  void rejectsANonPositiveSample() {
    assertThatThrownBy(() -> new HostMetricsCollector(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }
}
