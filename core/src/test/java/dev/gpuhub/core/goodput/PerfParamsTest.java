package dev.gpuhub.core.goodput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PerfParamsTest {
  // alphaC, betaC, alphaN, betaN, alphaR, betaR, gamma
  private final PerfParams additive = new PerfParams(0.1, 0.01, 0.5, 0.1, 0.2, 0.05, 1.0);

  @Test
  void computeTimeIsLinearInTheAtomicBatch() {
    assertThat(additive.gradTime(10)).isCloseTo(0.2, within(1e-12));
    assertThat(additive.gradTime(0)).isCloseTo(0.1, within(1e-12));
  }

  @Test
  void syncTimeIsZeroForOneReplicaLocalOnOneNodeAndNetworkAcrossNodes() {
    assertThat(additive.syncTime(1, 1)).isZero();
    assertThat(additive.syncTime(1, 2)).isCloseTo(0.2, within(1e-12)); // alphaR, no retrogression at 2
    assertThat(additive.syncTime(1, 4)).isCloseTo(0.2 + 0.05 * 2, within(1e-12));
    assertThat(additive.syncTime(2, 2)).isCloseTo(0.5, within(1e-12));
    assertThat(additive.syncTime(2, 4)).isCloseTo(0.5 + 0.1 * 2, within(1e-12));
  }

  @Test
  void gammaOneAddsComputeAndSyncAndLargeGammaApproachesTheirMaximum() {
    assertThat(additive.optimStepTime(1, 4, 10)).isCloseTo(0.2 + 0.3, within(1e-12));
    PerfParams squared = new PerfParams(0.1, 0.01, 0.5, 0.1, 0.2, 0.05, 2.0);
    assertThat(squared.optimStepTime(2, 4, 10)).isCloseTo(Math.sqrt(0.2 * 0.2 + 0.7 * 0.7), within(1e-12));
    PerfParams overlapped = new PerfParams(0.1, 0.01, 0.5, 0.1, 0.2, 0.05, 10.0);
    double t = overlapped.optimStepTime(2, 4, 10);
    assertThat(t).isGreaterThan(0.7).isLessThan(0.7 * 1.0001);
    assertThat(overlapped.optimStepTime(1, 1, 10)).isCloseTo(0.2, within(1e-12)); // no sync at all
  }

  @Test
  void accumulationStepsAddOneComputePassEach() {
    assertThat(additive.stepTime(1, 4, 10, 2)).isCloseTo(2 * 0.2 + 0.5, within(1e-12));
    assertThat(additive.stepTime(1, 4, 10, 0)).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void rejectsNegativeParametersAndGammaOutsideOneToTen() {
    assertThatThrownBy(() -> new PerfParams(-0.1, 0.01, 0, 0, 0, 0, 1)).hasMessageContaining("alphaC");
    assertThatThrownBy(() -> new PerfParams(0.1, 0.01, 0, 0, 0, 0, 0.5)).hasMessageContaining("gamma");
    assertThatThrownBy(() -> new PerfParams(0.1, 0.01, 0, 0, 0, 0, 11)).hasMessageContaining("gamma");
    assertThatThrownBy(() -> new PerfParams(0, 0, 0, 0, 0, 0, 1)).hasMessageContaining("alphaC + betaC");
  }
}
