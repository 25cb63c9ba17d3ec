package dev.gpuhub.core.goodput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.goodput.policy.Metric;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DesiredNodesTest {
  @Test
  void thresholdsFollowTheMetric() {
    assertThat(DesiredNodes.forMetric(Metric.DEFAULT)).isEqualTo(new DesiredNodes(0.35, 0.65));
    assertThat(DesiredNodes.forMetric(Metric.SPEED)).isEqualTo(DesiredNodes.DEFAULT);
    assertThat(DesiredNodes.forMetric(Metric.COST)).isEqualTo(new DesiredNodes(0.35, 0.8));
    assertThat(DesiredNodes.DEFAULT.target()).isEqualTo(0.5);
    assertThat(DesiredNodes.COST.target()).isEqualTo(0.575);
  }

  @Test
  void utilityIsSumOfSpeedupsOverGpus() {
    assertThat(DesiredNodes.utility(16, 32)).isEqualTo(0.5);
    assertThat(DesiredNodes.utility(3, 0)).isZero();
  }

  @Test
  void keepsTheNodeCountWhileUtilityIsWithinTheThresholds() {
    Map<Integer, Double> u = Map.of(1, 0.9, 2, 0.6, 3, 0.5, 4, 0.3);
    assertThat(DesiredNodes.DEFAULT.choose(2, 1, 4, u::get)).isEqualTo(2); // 0.6 in [0.35, 0.65]
    assertThat(DesiredNodes.DEFAULT.choose(4, 1, 4, u::get)).isEqualTo(3); // 0.3 too low: 3 nodes hit 0.5
  }

  @Test
  void scalesUpToTheCountClosestToTheMidpoint() {
    Map<Integer, Double> u = Map.of(1, 0.95, 2, 0.8, 3, 0.58, 4, 0.45, 5, 0.36);
    assertThat(DesiredNodes.DEFAULT.choose(1, 1, 5, u::get)).isEqualTo(4); // |0.45 - 0.5| < |0.58 - 0.5|
  }

  @Test
  void costThresholdsKeepAUtilityThatDefaultWouldScaleUpFrom() {
    Map<Integer, Double> u = Map.of(1, 0.95, 2, 0.75, 3, 0.58, 4, 0.45);
    assertThat(DesiredNodes.DEFAULT.choose(2, 1, 4, u::get)).isEqualTo(4); // 0.75 > 0.65: 0.45 is closest to 0.5
    assertThat(DesiredNodes.COST.choose(2, 1, 4, u::get)).isEqualTo(2);    // 0.75 <= 0.8: keep
    assertThat(DesiredNodes.COST.choose(1, 1, 4, u::get)).isEqualTo(3);    // 0.95 > 0.8: closest to 0.575 is 0.58
  }

  @Test
  void ignoresCountsBelowTheMinimumUtility() {
    // 5 and 6 nodes would be closer to 0.5 in absolute terms than 0.7 is, but they are under 0.35.
    Map<Integer, Double> u = Map.of(3, 0.9, 4, 0.7, 5, 0.3, 6, 0.2);
    assertThat(DesiredNodes.DEFAULT.choose(3, 3, 6, u::get)).isEqualTo(4);
    // Nothing qualifies: stay.
    Map<Integer, Double> low = Map.of(1, 0.1, 2, 0.05);
    assertThat(DesiredNodes.DEFAULT.choose(2, 1, 2, low::get)).isEqualTo(2);
  }

  @Test
  void prefersMoreNodesOnTies() {
    Map<Integer, Double> equalUtility = Map.of(1, 0.9, 2, 0.45, 3, 0.45, 4, 0.2);
    assertThat(DesiredNodes.DEFAULT.choose(1, 1, 4, equalUtility::get)).isEqualTo(3);
    Map<Integer, Double> equalDistance = Map.of(1, 0.9, 2, 0.6, 3, 0.4, 4, 0.2);
    assertThat(DesiredNodes.DEFAULT.choose(1, 1, 4, equalDistance::get)).isEqualTo(3);
  }

  @Test
  void validatesThresholdsAndRange() {
    assertThatThrownBy(() -> new DesiredNodes(0.7, 0.3)).hasMessageContaining("minUtility <= maxUtility");
    assertThatThrownBy(() -> DesiredNodes.DEFAULT.choose(1, 3, 2, n -> 0.5)).hasMessageContaining("minNodes <= maxNodes");
  }
}
