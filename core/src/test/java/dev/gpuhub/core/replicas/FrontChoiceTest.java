package dev.gpuhub.core.replicas;

import static dev.gpuhub.core.replicas.FrontChoice.Normalization.FRONT;
import static dev.gpuhub.core.replicas.FrontChoice.Normalization.SCALE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FrontChoiceTest {
  private final ReplicaProblem voting = Voting.scenario(0); // 5 nodes, thresholds 130 + 180

  // the exact front of voting scenario 4: 1 node 690, 2 nodes 94.55, 3 nodes 15
  private final double[][] front = {{1, 690}, {2, 94.55}, {3, 15}};

  @Test
  void scaleNormalisationWeighsNodeShareAgainstRelativeMismatch() {
    // 0.25*k/5 + 0.75*TE/310: 0.05+1.669, 0.10+0.229, 0.15+0.036 -> 3 nodes
    assertThat(FrontChoice.choose(front, 0.25, 0.75, SCALE, voting)).isEqualTo(2);
    // with all weight on nodes, the fewest nodes win
    assertThat(FrontChoice.choose(front, 1, 0, SCALE, voting)).isEqualTo(0);
  }

  @Test
  void frontNormalisationIsMinMaxOverTheCandidates() {
    // norm: ANA 0, .5, 1; TE 1, .118, 0 -> 0.75, 0.213, 0.25 -> 2 nodes
    assertThat(FrontChoice.choose(front, 0.25, 0.75, FRONT, voting)).isEqualTo(1);
    assertThat(FrontChoice.norm(94.55, 15, 690)).isCloseTo(0.1178, org.assertj.core.api.Assertions.within(1e-3));
  }

  @Test
  void tiesGoToFewerNodesThenLowerSufficiency() {
    // front of scenario 1 under FRONT: 1/533.33, 2/100, 3/13.33 -> 2 and 3 both score 0.25
    double[][] tie = {{3, 40.0 / 3}, {2, 100}, {1, 1600.0 / 3}};
    assertThat(FrontChoice.choose(tie, 0.25, 0.75, FRONT, voting)).isEqualTo(1);
    double[][] same = {{2, 5}, {2, 5}, {2, 4}};
    assertThat(FrontChoice.choose(same, 0.25, 0.75, FRONT, voting)).isEqualTo(2);
    assertThat(FrontChoice.choose(new double[][] {{4, 1}}, 0.25, 0.75, FRONT, voting)).isZero();
    assertThatThrownBy(() -> FrontChoice.choose(new double[0][], 0.25, 0.75, SCALE, voting))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
