package dev.gpuhub.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.bench.placement.BurstResult;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The benchmark's own logic on a small burst: 40 decisions over 4 nodes (max_containers 13). */
class PlacementBurstBenchmarkTest {

  @Test
  void smallBurstShowsTheSeedOverbookingAndOursHolding() throws Exception {
    List<BurstResult> results = PlacementBurstBenchmark.measure(new int[] {40}, new int[] {4}, 16, 42, true, r -> {});
    Map<String, BurstResult> byVariant = results.stream()
        .collect(Collectors.toMap(BurstResult::variant, Function.identity()));
    assertThat(byVariant).containsOnlyKeys("seed round_robin", "seed best_fit", "ours spread", "ours round_robin");

    for (String ours : List.of("ours spread", "ours round_robin")) {
      BurstResult r = byVariant.get(ours);
      assertThat(r.failures()).as(ours + " failures").isZero();
      assertThat(r.placedTotal()).as(ours + " placed").isEqualTo(40);
      assertThat(r.overbooked()).as(ours + " overbooked").isZero();
      assertThat(r.maxMinusMin()).as(ours + " max-min").isLessThanOrEqualTo(1);
      assertThat(r.nanos()).hasSize(40).doesNotContain(0L);
    }

    BurstResult bestFit = byVariant.get("seed best_fit");
    assertThat(bestFit.failures()).isZero();
    assertThat(bestFit.maxContainers()).isEqualTo(13);
    assertThat(bestFit.placed().values()).containsExactlyInAnyOrder(40, 0, 0, 0);
    assertThat(bestFit.overbooked()).isEqualTo(40 - 13);
    assertThat(bestFit.maxMinusMin()).isEqualTo(40);

    String summary = PlacementBurstBenchmark.summary(results);
    assertThat(summary).contains("ours (spread) p99 / seed (round_robin) p99 =")
        .contains("TARGETS: ours 0 failures: yes; max-min <= 1: yes; p99 < 20 ms at 64 nodes: not measured");
    assertThat(PlacementBurstBenchmark.row(bestFit)).startsWith("| 40 | 4 | seed best_fit |").endsWith("| 0 | 27 | 40 |");
  }
}
