package dev.gpuhub.core.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.node.GpuDevice;
import org.junit.jupiter.api.Test;

class GpuConstraintTest {
  private static GpuDevice gpu(String name, Long memoryMb) {
    return new GpuDevice(name, 0, "GPU-1", memoryMb, 0L, 0.0, 0.0, 30.0);
  }

  @Test
  void patternsMatchTheWholeNameIgnoringCaseWithStarsForAnything() {
    GpuDevice a100 = gpu("NVIDIA A100-SXM4-80GB", 81920L);
    assertThat(new GpuConstraint("*A100*", 0).matches(a100)).isTrue();
    assertThat(new GpuConstraint("nvidia a100*", 0).matches(a100)).isTrue();
    assertThat(new GpuConstraint("A100", 0).matches(a100)).as("the whole name, not a part").isFalse();
    assertThat(new GpuConstraint("*H100*", 0).matches(a100)).isFalse();
    assertThat(new GpuConstraint("*A100-SXM4-80GB", 0).matches(a100)).isTrue();
    assertThat(new GpuConstraint("*.*", 0).matches(a100)).as("'.' is literal").isFalse();
    assertThat(GpuConstraint.ANY.matches(a100)).isTrue();
    assertThat(new GpuConstraint(" ", 0).isAny()).isTrue();
  }

  @Test
  void aMinimumMemoryNeedsTheMemoryReported() {
    assertThat(new GpuConstraint(null, 40).matches(gpu("A", 40960L))).isTrue();
    assertThat(new GpuConstraint(null, 40).matches(gpu("A", 16384L))).isFalse();
    assertThat(new GpuConstraint(null, 40).matches(gpu("A", null))).isFalse();
    assertThat(new GpuConstraint(null, 40).describe()).isEqualTo("GPUs with at least 40 GB");
  }

  @Test
  void badPatternsAndMemoriesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> new GpuConstraint("<script>", 0)).hasMessageStartingWith("gpu_model '<script>' is not a model pattern");
    assertThatThrownBy(() -> new GpuConstraint("a".repeat(101), 0)).hasMessageStartingWith("gpu_model");
    assertThatThrownBy(() -> new GpuConstraint(null, -1)).hasMessageStartingWith("gpu_min_memory_gb");
    assertThatThrownBy(() -> new GpuConstraint(null, Double.NaN)).hasMessageStartingWith("gpu_min_memory_gb");
  }
}
