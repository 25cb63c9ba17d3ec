package dev.gpuhub.sim.interactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The option values of --interactive and --sharing, and their errors. */
class InteractiveOptionsTest {
  @Test
  void wireNamesRoundTrip() {
    for (InteractiveLoad l : InteractiveLoad.values()) assertThat(InteractiveLoad.fromWireName(l.wireName())).isEqualTo(l);
    for (SharingMode m : SharingMode.values()) assertThat(SharingMode.fromWireName(m.wireName())).isEqualTo(m);
    assertThat(SharingMode.fromWireName(" Interactive-First ")).isEqualTo(SharingMode.INTERACTIVE_FIRST);
    assertThat(InteractiveLoad.MID.meanGpus()).isEqualTo(16);
  }

  @Test
  void badValuesNameTheOptionAndTheAllowedValues() {
    assertThatThrownBy(() -> InteractiveLoad.fromWireName("medium"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("--interactive must be one of low, mid, high; was 'medium'");
    assertThatThrownBy(() -> SharingMode.fromWireName("shared"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--sharing must be one of exclusive, partition, interactive-first; was 'shared'");
    assertThatThrownBy(() -> InteractiveConfig.of(InteractiveLoad.LOW, SharingMode.EXCLUSIVE, 1).withIdleLimitSeconds(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--idle-limit");
  }
}
