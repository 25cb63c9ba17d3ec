package dev.gpuhub.core.goodput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ThroughputFitterTest {
  private static final PerfParams TRUTH = new PerfParams(0.02, 7e-4, 0.12, 0.003, 0.03, 0.001, 2.0);
  /** (nodes, replicas): one GPU, local multi-GPU and multi-node placements, up to 16 replicas. */
  private static final int[][] PLACEMENTS = {{1, 1}, {1, 2}, {1, 3}, {1, 4}, {2, 2}, {2, 4}, {2, 8}, {3, 12}, {4, 16}};
  private static final int[] BATCHES = {32, 64, 128, 256};

  @Test
  void recoversKnownParametersFromExactSamples() {
    PerfParams fitted = ThroughputFitter.fit(synthetic(TRUTH, 0.0, new Random(1)));
    assertThat(fitted.alphaC()).isCloseTo(TRUTH.alphaC(), within(TRUTH.alphaC() * 0.02));
    assertThat(fitted.betaC()).isCloseTo(TRUTH.betaC(), within(TRUTH.betaC() * 0.02));
    assertThat(fitted.alphaN()).isCloseTo(TRUTH.alphaN(), within(TRUTH.alphaN() * 0.05));
    assertThat(fitted.betaN()).isCloseTo(TRUTH.betaN(), within(TRUTH.betaN() * 0.10));
    assertThat(fitted.alphaR()).isCloseTo(TRUTH.alphaR(), within(TRUTH.alphaR() * 0.05));
    assertThat(fitted.betaR()).isCloseTo(TRUTH.betaR(), within(TRUTH.betaR() * 0.20));
    assertThat(fitted.gamma()).isCloseTo(TRUTH.gamma(), within(0.1));
  }

  @Test
  void noisySamplesStillPredictStepTimesClosely() {
    List<ThroughputSample> noisy = synthetic(TRUTH, 0.03, new Random(7));
    PerfParams fitted = ThroughputFitter.fit(noisy);
    for (int[] p : PLACEMENTS) {
      for (int b : BATCHES) {
        double truth = TRUTH.optimStepTime(p[0], p[1], b);
        assertThat(fitted.optimStepTime(p[0], p[1], b)).isCloseTo(truth, within(truth * 0.05));
      }
    }
  }

  @Test
  void isDeterministic() {
    List<ThroughputSample> noisy = synthetic(TRUTH, 0.03, new Random(3));
    assertThat(ThroughputFitter.fit(noisy)).isEqualTo(ThroughputFitter.fit(new ArrayList<>(noisy)));
  }

  @Test
  void oneGpuOneBatchSizeUsesTheArtifactsPriors() {
    List<ThroughputSample> samples = List.of(new ThroughputSample(1, 1, 64, 0.10, 0.10),
        new ThroughputSample(1, 1, 64, 0.12, 0.12));
    PerfParams fitted = ThroughputFitter.fit(samples);
    assertThat(fitted.alphaC()).isCloseTo(0.11 / 2, within(1e-12)); // half the mean compute time
    assertThat(fitted.gradTime(64)).isCloseTo(0.11, within(0.002));
    // Nothing seen about sync: local sync stays at the bound, network sync just above it.
    assertThat(fitted.alphaR()).isEqualTo(ThroughputFitter.MIN_PARAM);
    assertThat(fitted.betaR()).isEqualTo(ThroughputFitter.MIN_PARAM);
    assertThat(fitted.alphaN()).isCloseTo(1.1 * ThroughputFitter.MIN_PARAM, within(1e-15));
    assertThat(fitted.betaN()).isCloseTo(1.1 * ThroughputFitter.MIN_PARAM, within(1e-15));
  }

  @Test
  void withoutMultiNodeSamplesNetworkSyncIsAtLeastLocalSync() {
    List<ThroughputSample> local = new ArrayList<>();
    for (ThroughputSample s : synthetic(TRUTH, 0.0, new Random(1))) if (s.nodes() == 1) local.add(s);
    PerfParams fitted = ThroughputFitter.fit(local);
    assertThat(fitted.alphaR()).isCloseTo(TRUTH.alphaR(), within(TRUTH.alphaR() * 0.1));
    assertThat(fitted.alphaN()).isCloseTo(1.1 * fitted.alphaR(), within(1e-12));
    assertThat(fitted.betaN()).isGreaterThanOrEqualTo(1.1 * fitted.betaR() - 1e-15);
  }

  @Test
  void fitsAnySmallSetOfObservationsTheWayASchedulerCollectsThem() {
    // A job's profile grows one configuration at a time; every prefix must fit to valid parameters.
    Random random = new Random(99);
    for (int trial = 0; trial < 20; trial++) {
      List<ThroughputSample> profile = new ArrayList<>();
      for (int k = 0; k < 12; k++) {
        int[] p = PLACEMENTS[random.nextInt(PLACEMENTS.length)];
        int b = BATCHES[random.nextInt(BATCHES.length)];
        double compute = TRUTH.gradTime(b) * Math.exp(0.1 * random.nextGaussian());
        double step = TRUTH.optimStepTime(p[0], p[1], b) * Math.exp(0.1 * random.nextGaussian());
        profile.add(new ThroughputSample(p[0], p[1], b, compute, Math.max(step, compute)));
        PerfParams fitted = ThroughputFitter.fit(profile);
        assertThat(fitted.gamma()).isBetween(1.0, 10.0);
        assertThat(ThroughputFitter.stepTimeRmsle(fitted, profile)).isLessThan(0.5);
      }
    }
  }

  @Test
  void stepAndSyncSamplesSubtractSyncFromStepTime() {
    ThroughputSample s = ThroughputSample.ofStepAndSync(2, 4, 32, 0.5, 0.2);
    assertThat(s.accumStepTime()).isCloseTo(0.3, within(1e-12));
    assertThat(s.optimStepTime()).isEqualTo(0.5);
    // A sync timing above the step time leaves a sliver of compute, never zero.
    assertThat(ThroughputSample.ofStepAndSync(2, 4, 32, 0.5, 0.6).accumStepTime()).isPositive();
    assertThatThrownBy(() -> ThroughputFitter.fit(List.of())).hasMessageContaining("at least one");
    assertThatThrownBy(() -> new ThroughputSample(3, 2, 32, 0.1, 0.1)).hasMessageContaining("nodes <= replicas");
  }

  /**
   * The artifact's measured traces (a fixed subset): fit on the placement traces (up to 4 nodes),
   * predict the scalability traces (up to 16 nodes) it never saw.
   */
  @ParameterizedTest
  @ValueSource(strings = {"cifar10", "imagenet"})
  void fitsMeasuredTracesAndPredictsUnseenScaleOut(String model) {
    List<ThroughputSample> placements = readPlacements(model);
    List<ThroughputSample> scalability = readScalability(model);
    PerfParams fitted = ThroughputFitter.fit(placements);
    double inSample = ThroughputFitter.stepTimeRmsle(fitted, placements);
    double heldOut = ThroughputFitter.stepTimeRmsle(fitted, scalability);
    System.out.printf("pollux trace %s: %d samples, step-time RMSLE %.3f in sample, %.3f on %d held-out scale-out samples; %s%n",
        model, placements.size(), inSample, heldOut, scalability.size(), fitted);
    assertThat(inSample).isLessThan(0.15);
    assertThat(heldOut).isLessThan(0.20);
    assertThat(fitted.alphaN()).isGreaterThan(fitted.alphaR()); // the network is slower than NVLink/PCIe
  }

  private static List<ThroughputSample> synthetic(PerfParams truth, double noise, Random random) {
    List<ThroughputSample> samples = new ArrayList<>();
    for (int[] p : PLACEMENTS) {
      for (int b : BATCHES) {
        double compute = truth.gradTime(b) * (1 + noise * random.nextGaussian());
        double step = truth.optimStepTime(p[0], p[1], b) * (1 + noise * random.nextGaussian());
        samples.add(new ThroughputSample(p[0], p[1], b, compute, step));
      }
    }
    return samples;
  }

  /** {@code placement,local_bsz,step_time,sync_time}; placement "22" = 2 nodes with 2 GPUs each. */
  private static List<ThroughputSample> readPlacements(String model) {
    List<ThroughputSample> samples = new ArrayList<>();
    for (String[] f : csv("/pollux/" + model + "/placements.csv")) {
      int replicas = f[0].chars().map(c -> c - '0').sum();
      samples.add(ThroughputSample.ofStepAndSync(f[0].length(), replicas, Integer.parseInt(f[1]),
          Double.parseDouble(f[2]), Double.parseDouble(f[3])));
    }
    return samples;
  }

  /** {@code num_nodes,num_replicas,local_bsz,step_time,sync_time}. */
  private static List<ThroughputSample> readScalability(String model) {
    List<ThroughputSample> samples = new ArrayList<>();
    for (String[] f : csv("/pollux/" + model + "/scalability.csv")) {
      samples.add(ThroughputSample.ofStepAndSync(Integer.parseInt(f[0]), Integer.parseInt(f[1]),
          Integer.parseInt(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4])));
    }
    return samples;
  }

  private static List<String[]> csv(String resource) {
    try (var in = ThroughputFitterTest.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("missing test resource " + resource);
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      return reader.lines().skip(1).filter(l -> !l.isBlank()).map(l -> l.split(",")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
