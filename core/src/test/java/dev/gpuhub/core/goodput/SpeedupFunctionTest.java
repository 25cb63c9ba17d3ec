package dev.gpuhub.core.goodput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SpeedupFunctionTest {
  /** Cheap local sync, dear network sync; gradient noise scale 10 x m0. */
  private static final PerfParams PERF = new PerfParams(0.05, 0.002, 0.3, 0.01, 0.02, 0.002, 1.5);
  private final GoodputFunction goodput = new GoodputFunction(PERF, new GradParams(1.0, 10.0), 64);
  private final SpeedupFunction speedup = new SpeedupFunction(goodput, 4096, new AtomicBszRange(16, 256), true);

  @Test
  void oneGpuIsOneAndNoGpuIsZero() {
    assertThat(speedup.speedup(1, 1)).isEqualTo(1.0);
    assertThat(speedup.speedup(0, 0)).isZero();
    assertThat(speedup.baseGoodput()).isCloseTo(goodput.optimize(1, 1, 4096, new AtomicBszRange(16, 256), true).goodput(), within(1e-12));
  }

  @Test
  void growsWithReplicasOnOneNodeButLessThanLinearly() {
    double two = speedup.speedup(1, 2);
    double four = speedup.speedup(1, 4);
    assertThat(two).isGreaterThan(1.0).isLessThanOrEqualTo(2.0);
    assertThat(four).isGreaterThan(two).isLessThanOrEqualTo(4.0);
    assertThat(speedup.speedup(4, 16)).isGreaterThan(speedup.speedup(2, 8));
  }

  @Test
  void spreadingOverMoreNodesCostsSpeedup() {
    assertThat(speedup.speedup(2, 4)).isLessThan(speedup.speedup(1, 4));
    assertThat(speedup.speedup(4, 4)).isLessThanOrEqualTo(speedup.speedup(2, 4));
  }

  @Test
  void memoisedAnswersEqualFreshOnesAndLargeAllocationsAreComputed() {
    double first = speedup.speedup(2, 8);
    assertThat(speedup.speedup(2, 8)).isEqualTo(first);
    assertThat(first).isEqualTo(speedup.best(2, 8).goodput() / speedup.baseGoodput());
    SpeedupFunction tiny = new SpeedupFunction(goodput, 4096, new AtomicBszRange(16, 256), true, 2);
    assertThat(tiny.speedup(3, 12)).isEqualTo(speedup.speedup(3, 12));
  }

  @Test
  void speedOnlySpeedupIgnoresTheEfficiencyLossOfLargeBatches() {
    SpeedupFunction speed = new SpeedupFunction(goodput.speedOnly(), 4096, new AtomicBszRange(16, 256), true);
    assertThat(speed.speedup(4, 16)).isGreaterThan(speedup.speedup(4, 16));
  }

  @Test
  void rejectsImpossibleAllocationsAndLimitsWithNoValidConfiguration() {
    assertThatThrownBy(() -> speedup.speedup(3, 2)).hasMessageContaining("nodes <= replicas");
    assertThatThrownBy(() -> speedup.speedup(0, 2)).hasMessageContaining("nodes <= replicas");
    assertThatThrownBy(() -> new SpeedupFunction(goodput, 64, new AtomicBszRange(1, 32), false))
        .hasMessageContaining("no batch configuration is valid on one GPU");
  }
}
