package dev.gpuhub.bench.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.core.balance.Strategy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's own logic on a tiny run (a few seconds): every request answered, tables and verdict printed. */
class BrokerBenchmarkTest {

  @Test
  void tinyRunMeasuresBothPartsWithoutErrors() throws Exception {
    BrokerBenchmark.Options o = BrokerBenchmark.Options.parse(new String[] {"--long-ms", "40", "--short-ms", "8",
        "--requests", "40", "--mixes", "20,40", "--overhead-short-ms", "1", "--overhead-requests", "40", "--warmup", "20"});
    BrokerBenchmark.OverheadResult overhead = BrokerBenchmark.measureOverhead(o);
    assertThat(overhead.direct().count()).isEqualTo(40);
    assertThat(overhead.broker().p50Ms()).isGreaterThanOrEqualTo(1.0);
    List<BrokerBenchmark.MixResult> mixes = BrokerBenchmark.measureMixes(o, r -> {});
    assertThat(mixes).extracting(BrokerBenchmark.MixResult::strategy)
        .containsExactly(Strategy.ROUND_ROBIN, Strategy.LEAST_CONNECTIONS, Strategy.ROUND_ROBIN, Strategy.LEAST_CONNECTIONS);
    assertThat(mixes).allSatisfy(r -> {
      assertThat(r.errors()).isZero();
      assertThat(r.all().count()).isEqualTo(40);
      assertThat(r.longOnes().count()).isEqualTo((int) Math.round(r.longShare() * 40));
      assertThat(r.all().p50Ms()).isGreaterThanOrEqualTo(8.0);
    });
    assertThat(BrokerBenchmark.mixRow(mixes.get(0))).startsWith("| 20 | ");
    assertThat(BrokerBenchmark.summary(overhead, mixes))
        .contains("TARGETS: least connections beats round robin on mean latency at Long >= 20 %: ")
        .contains("broker overhead p50 < 1 ms: ");
  }

  @Test
  void latenciesAndSchedules() {
    Latencies l = new Latencies(new long[] {5_000_000, 1_000_000, 3_000_000, 2_000_000, 4_000_000});
    assertThat(l.meanMs()).isEqualTo(3.0);
    assertThat(l.p50Ms()).isEqualTo(3.0);
    assertThat(l.p95Ms()).isEqualTo(5.0);
    assertThat(l.maxMs()).isEqualTo(5.0);
    MixSchedule s = MixSchedule.poisson(1000, 0.2, 50, 1);
    assertThat(s.longCount()).isEqualTo(200);
    assertThat(s.atNanos()[999] / 1e9).isBetween(16.0, 24.0);
    assertThat(MixSchedule.poisson(1000, 0.2, 50, 1).types()).isEqualTo(s.types());
  }
}
