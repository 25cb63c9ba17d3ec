package dev.gpuhub.sim.pollux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interpolation of throughput and gradient statistics, and the gain, on hand-computed cases. */
class TraceInterpolationTest {
  @TempDir
  Path data;

  private Application toy() {
    return Application.load(ToyTraces.toy(data), 0, 0);
  }

  @Test
  void normalisesPlacementsToTheSmallestRotation() {
    assertThat(ThroughputTable.normalizedKey(new int[] {2, 1})).isEqualTo("12");
    assertThat(ThroughputTable.normalizedKey(new int[] {2, 1, 2, 1})).isEqualTo("1212");
    assertThat(ThroughputTable.normalizedKey(new int[] {3, 0, 1, 2})).isEqualTo("123");
    assertThat(ThroughputTable.normalizedKey(new int[] {4, 4, 2})).isEqualTo("244");
  }

  @Test
  void measuredPlacementInterpolatesInLocalBatch() {
    Application app = toy();
    // "21" is measured as "12": halfway between local batch 10 and 20.
    assertThat(app.throughput(new int[] {2, 1}, 15)).containsExactly(new double[] {2.0, 0.3}, within(1e-12));
    assertThat(app.throughput(new int[] {1, 2}, 10)).containsExactly(new double[] {1.5, 0.2}, within(1e-12));
    // Outside the measured range: the nearest end.
    assertThat(app.throughput(new int[] {1, 2}, 40)).containsExactly(new double[] {2.5, 0.4}, within(1e-12));
  }

  @Test
  void unmeasuredPlacementInterpolatesOverNodesReplicasAndLocalBatch() {
    Application app = toy();
    // 5 nodes, 10 replicas, local batch 15 (hand-computed):
    //   4 nodes (1111 and 4444 means): replicas 10 is halfway between 4 and 16
    //     -> step (1.5 + 4.0) / 2 = 2.75, sync (0.5 + 1.0) / 2 = 0.75
    //   6 nodes (scalability): replicas 10 is 2/9 of the way from 6 to 24
    //     -> step 3 + 2/9 * 4 = 3.8889, sync 1 + 2/9 * 1 = 1.2222
    //   5 nodes: halfway -> step 3.31944, sync 0.98611
    double[] t = app.throughput(new int[] {2, 2, 2, 2, 2}, 15);
    assertThat(t[0]).isCloseTo((2.75 + 3 + 8.0 / 9) / 2, within(1e-9));
    assertThat(t[1]).isCloseTo((0.75 + 1 + 2.0 / 9) / 2, within(1e-9));
    // 18 replicas is more than 4 nodes measured (16): they count at 16; 6 nodes at 2/3 of the way.
    double[] u = app.throughput(new int[] {4, 4, 4, 4, 2}, 15);
    assertThat(u[0]).isCloseTo((4.0 + 3 + 8.0 / 3) / 2, within(1e-9));
    assertThat(u[1]).isCloseTo((1.0 + 1 + 2.0 / 3) / 2, within(1e-9));
    // At a measured node count (6) no interpolation across node counts happens.
    assertThat(app.throughput(new int[] {1, 1, 1, 1, 1, 1}, 20)).containsExactly(new double[] {4.0, 1.0}, within(1e-12));
  }

  @Test
  void gradientStatisticsInterpolateBetweenValidatedBatchSizes() {
    Application app = toy();
    assertThat(app.initBatchSize()).isEqualTo(100);
    assertThat(app.maxBatchSize()).isEqualTo(400);
    assertThat(app.maxEpochs()).isEqualTo(2);
    // Batch 250 in epoch 0: halfway between 100 (sqr 1, var 3) and 400 (sqr 2, var 5).
    assertThat(app.gradStats(250, 0)).containsExactly(new double[] {1.5, 4.0}, within(1e-12));
    assertThat(app.gradStats(400, 1)).containsExactly(new double[] {3.0, 3.0}, within(1e-12));
    // gain = (var + sqr) / (var / scale + sqr), scale = 250 / 100.
    assertThat(app.gain(250, 0)).isCloseTo(5.5 / (4.0 / 2.5 + 1.5), within(1e-12));
    // At the initial batch size the gain is 1.
    assertThat(app.gain(100, 1)).isCloseTo(1.0, within(1e-12));
    assertThat(app.iteration(250, 1)).isCloseTo(14.0, within(1e-12));
  }

  @Test
  void epochBoundariesAreTheSmallestProgressOverBatchSizes() {
    Application app = toy();
    assertThat(app.progressAt(0)).isZero();
    assertThat(app.progressAt(1)).isEqualTo(100.0);
    assertThat(app.progressAt(2)).isEqualTo(190.0);
  }

  @Test
  void limitsComeFromTheTraces() {
    Application app = toy();
    assertThat(app.minLocalBsz()).isEqualTo(10);
    assertThat(app.maxLocalBsz()).isEqualTo(20);
    assertThat(Application.load(data.resolve("traces").resolve("toy"), 1, 8).maxLocalBsz()).isEqualTo(8);
  }
}
