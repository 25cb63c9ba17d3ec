package dev.gpuhub.core.goodput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gpuhub.core.goodput.policy.Metric;
import org.junit.jupiter.api.Test;

class GoodputFunctionTest {
  private static final PerfParams PERF = new PerfParams(0.1, 0.01, 0.5, 0.1, 0.2, 0.05, 1.0);
  /** m0 = 100, phi = m0 * var / sqr = 300. */
  private final GoodputFunction fn = new GoodputFunction(PERF, new GradParams(1.0, 3.0), 100);

  @Test
  void throughputCountsEverySampleOfAnOptimiserStep() {
    // 4 replicas x 10 samples x 3 passes over 2 * 0.2 + (0.2 + 0.3) seconds
    assertThat(fn.throughput(1, 4, 10, 2)).isCloseTo(120 / 0.9, within(1e-9));
    assertThat(fn.throughput(1, 1, 10, 0)).isCloseTo(10 / 0.2, within(1e-9));
  }

  @Test
  void efficiencyIsPhiPlusM0OverPhiPlusM() {
    assertThat(fn.efficiency(100)).isCloseTo(1.0, within(1e-12));
    assertThat(fn.efficiency(400)).isCloseTo((300.0 + 100) / (300 + 400), within(1e-12));
    assertThat(fn.efficiency(120)).isCloseTo(400.0 / 420, within(1e-12));
  }

  @Test
  void efficiencyGuardsZeroStatisticsAsTheArtifact() {
    // Pure noise: every sample counts fully.
    assertThat(new GoodputFunction(PERF, new GradParams(0, 1), 100).efficiency(400)).isCloseTo(1.0, within(1e-12));
    // No noise: a larger batch buys nothing, m0 / m.
    assertThat(new GoodputFunction(PERF, new GradParams(1, 0), 100).efficiency(400)).isCloseTo(0.25, within(1e-12));
    // Nothing known: the artifact's fallback gain of 1, i.e. m0 / m.
    assertThat(new GoodputFunction(PERF, new GradParams(0, 0), 100).efficiency(400)).isCloseTo(0.25, within(1e-12));
  }

  @Test
  void goodputIsThroughputTimesEfficiency() {
    assertThat(fn.evaluate(1, 4, 10, 2)).isCloseTo(120 / 0.9 * 400.0 / 420, within(1e-9));
    assertThat(fn.speedOnly().evaluate(1, 4, 10, 2)).isCloseTo(120 / 0.9, within(1e-9));
    assertThat(fn.forMetric(Metric.SPEED).isSpeedOnly()).isTrue();
    assertThat(fn.forMetric(Metric.COST)).isSameAs(fn);
    assertThat(fn.forMetric(Metric.DEFAULT)).isSameAs(fn);
  }

  @Test
  void optimizeWithOneCandidateBatchReturnsIt() {
    BatchChoice best = fn.optimize(1, 1);
    assertThat(best.atomicBsz()).isEqualTo(100);
    assertThat(best.accumSteps()).isZero();
    assertThat(best.goodput()).isCloseTo(fn.evaluate(1, 1, 100, 0), within(1e-12));
    assertThat(best.batchSize(1)).isEqualTo(100);
  }

  @Test
  void optimizeFindsTheInteriorOptimumOnTheGeometricGrid() {
    // One replica, no sync: goodput(m) ~ m / ((a + b m)(phi + m)), best at m* = sqrt(a phi / b) = 316.2.
    PerfParams perf = new PerfParams(0.1, 0.001, 0, 0, 0, 0, 1.0);
    GoodputFunction g = new GoodputFunction(perf, new GradParams(1.0, 10.0), 100);
    BatchChoice best = g.optimize(1, 1, 10_000, AtomicBszRange.upTo(10_000), false);
    double trueBest = 0;
    for (int m = 100; m <= 10_000; m++) trueBest = Math.max(trueBest, g.evaluate(1, 1, m, 0));
    double gridStep = Math.log(100) / (GoodputFunction.CANDIDATES - 1); // 50 points over two decades
    assertThat(Math.abs(Math.log(best.atomicBsz() / Math.sqrt(0.1 * 1000 / 0.001)))).isLessThan(gridStep);
    assertThat(best.goodput()).isGreaterThan(0.999 * trueBest).isLessThanOrEqualTo(trueBest);
    assertThat(best.goodput()).isCloseTo(g.evaluate(1, 1, best.atomicBsz(), 0), within(1e-12));
  }

  @Test
  void optimizeSplitsLargeLocalBatchesIntoAccumulationSteps() {
    // Local batch 100 over an atomic limit of 50: two passes of 50.
    BatchChoice split = fn.optimize(1, 1, 100, new AtomicBszRange(1, 50), true);
    assertThat(split.atomicBsz()).isEqualTo(50);
    assertThat(split.accumSteps()).isEqualTo(1);
    // Without accumulation that configuration is invalid, so the goodput is 0.
    assertThat(fn.optimize(1, 1, 100, new AtomicBszRange(1, 50), false).goodput()).isZero();
  }

  @Test
  void aSingleReplicaAboveTheInitialBatchAlwaysAccumulates() {
    // No noise penalty (sqr = 0): throughput per pass grows with the atomic batch, so the largest wins,
    // but one replica over m0 must use at least two passes: 400 = 200 x 2.
    GoodputFunction noisy = new GoodputFunction(PERF, new GradParams(0, 1), 100);
    BatchChoice best = noisy.optimize(1, 1, 400, new AtomicBszRange(1, 1000), true);
    assertThat(best.atomicBsz()).isEqualTo(200);
    assertThat(best.accumSteps()).isEqualTo(1);
    // Two replicas are not forced: 400 = 2 x 200 in one pass.
    BatchChoice two = noisy.optimize(1, 2, 400, new AtomicBszRange(1, 1000), true);
    assertThat(two.atomicBsz()).isEqualTo(200);
    assertThat(two.accumSteps()).isZero();
  }

  @Test
  void speedOnlyPrefersTheLargestBatchWhereGoodputPrefersTheSmallest() {
    // No gradient noise: efficiency m0/m cancels the throughput gain, so goodput favours m0.
    GoodputFunction exact = new GoodputFunction(PERF, new GradParams(1, 0), 100);
    assertThat(exact.optimize(1, 1, 1000, AtomicBszRange.upTo(1000), false).atomicBsz()).isEqualTo(100);
    assertThat(exact.speedOnly().optimize(1, 1, 1000, AtomicBszRange.upTo(1000), false).atomicBsz()).isEqualTo(1000);
  }

  @Test
  void optimizeValidatesItsArguments() {
    assertThatThrownBy(() -> fn.optimize(2, 1)).hasMessageContaining("nodes <= replicas");
    assertThatThrownBy(() -> fn.optimize(0, 1)).hasMessageContaining("nodes");
    assertThatThrownBy(() -> fn.optimize(1, 1, 50, AtomicBszRange.upTo(50), false)).hasMessageContaining("initial batch size");
    assertThatThrownBy(() -> new GoodputFunction(PERF, new GradParams(1, 1), 0)).hasMessageContaining("initial batch size");
    assertThatThrownBy(() -> new AtomicBszRange(0, 4)).hasMessageContaining("1 <= min <= max");
  }
}
