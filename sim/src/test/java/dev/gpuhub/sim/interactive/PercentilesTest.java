package dev.gpuhub.sim.interactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PercentilesTest {
  @Test
  void nearestRankOnOneToTwenty() {
    List<Double> values = new ArrayList<>();
    for (int i = 20; i >= 1; i--) values.add((double) i);
    Collections.shuffle(values, new java.util.Random(3));
    assertThat(Percentiles.of(values, 50)).isEqualTo(10.0);
    assertThat(Percentiles.of(values, 95)).isEqualTo(19.0);
    assertThat(Percentiles.of(values, 96)).isEqualTo(20.0);
    assertThat(Percentiles.of(values, 100)).isEqualTo(20.0);
    assertThat(Percentiles.of(values, 1)).isEqualTo(1.0);
  }

  @Test
  void mostlyZeroWaitsGiveAZeroMedianAndTheTailAtP95() {
    List<Double> waits = new ArrayList<>(Collections.nCopies(18, 0.0));
    waits.add(30.0);
    waits.add(600.0);
    assertThat(Percentiles.of(waits, 50)).isZero();
    assertThat(Percentiles.of(waits, 95)).isEqualTo(30.0);
    assertThat(Percentiles.of(waits, 100)).isEqualTo(600.0);
  }

  @Test
  void emptyIsZeroAndOneValueIsEveryPercentile() {
    assertThat(Percentiles.of(List.of(), 95)).isZero();
    assertThat(Percentiles.of(List.of(42.0), 50)).isEqualTo(42.0);
    assertThat(Percentiles.of(List.of(42.0), 95)).isEqualTo(42.0);
    assertThatThrownBy(() -> Percentiles.of(List.of(1.0), 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
