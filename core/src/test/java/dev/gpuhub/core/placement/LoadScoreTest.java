package dev.gpuhub.core.placement;

import static dev.gpuhub.core.placement.Nodes.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LoadScoreTest {
  private final ScoringConfig seed = ScoringConfig.SEED;

  @Test
  void reproducesTheSeedsOwnExample() {
    // seed 000, Kode Sumber 4.2: rpl, rpl-02, chrstdan
    assertThat(LoadScore.of(0.8, 15.7, seed)).isEqualTo(13.2);
    assertThat(LoadScore.of(0.5, 35.8, seed)).isEqualTo(29.04);
    assertThat(LoadScore.of(13.7, 69.5, seed)).isEqualTo(66.56);
  }

  @Test
  void addsMediumPenaltyOverEightyAndHeavyPenaltyOverNinety() {
    assertThat(LoadScore.of(80.0, 10.0, seed)).isEqualTo(72.0); // not over 80: no penalty
    assertThat(LoadScore.of(80.1, 10.0, seed)).isEqualTo(Math.round((80.1 * 0.8 + 8 + 20) * 100) / 100.0);
    assertThat(LoadScore.of(10.0, 85.0, seed)).isEqualTo(96.0); // 8 + 68 + 20
    assertThat(LoadScore.of(10.0, 90.5, seed)).isEqualTo(160.4); // 8 + 72.4 + 80
    assertThat(LoadScore.of(95.0, 85.0, seed)).isEqualTo(224.0); // heavy wins over medium
  }

  @Test
  void missingUsageCountsAsHundred() {
    assertThat(LoadScore.of(null, 10.0, seed)).isEqualTo(80 + 8 + 80);
    assertThat(LoadScore.of(node("x").usage(null, null).build(), seed)).isEqualTo(240.0);
  }

  @Test
  void weightsAndPenaltiesAreConfigurable() {
    ScoringConfig custom = new ScoringConfig(1.0, 0.5, 10, 5);
    assertThat(LoadScore.of(40.0, 20.0, custom)).isEqualTo(50.0);
    assertThat(LoadScore.of(85.0, 20.0, custom)).isEqualTo(85 + 10 + 5);
    assertThatThrownBy(() -> new ScoringConfig(-1, 0.8, 80, 20)).hasMessageContaining("CPU_WEIGHT");
  }
}
