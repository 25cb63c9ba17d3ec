package dev.gpuhub.server.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacementConfigTest {
  @Test
  void theFirstReleasesOvercommitRatiosAreRefusedWithTheWayToMigrate() {
    for (String gone : PlacementConfig.REMOVED) {
      assertThatThrownBy(() -> PlacementConfig.fromEnv(Map.of(gone, "4")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(gone + " was removed")
          .hasMessageContaining("cpu_guarantee")
          .hasMessageContaining("Guarantees and limits");
    }
    assertThat(PlacementConfig.fromEnv(Map.of("GPUHUB_CPU_OVERCOMMIT", " ")).holdTimeout())
        .isEqualTo(PlacementConfig.defaults().holdTimeout());
  }
}
