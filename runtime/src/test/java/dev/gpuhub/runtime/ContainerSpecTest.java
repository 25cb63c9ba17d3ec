package dev.gpuhub.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ContainerSpecTest {
  private static final ContainerSpec BASE = ContainerSpec.of("jupyter-alice", "gpuhub-notebook:latest", List.of("sleep", "1"));

  @Test
  void nullCollectionsBecomeEmptyAndCopiesAreImmutable() {
    ContainerSpec spec = new ContainerSpec("ab", "img", null, null, null, 0, 0, null, null);
    assertThat(spec.command()).isEmpty();
    assertThat(spec.env()).isEmpty();
    assertThat(spec.labels()).isEmpty();
    assertThat(spec.gpuDeviceUuids()).isEmpty();
    assertThat(spec.ports()).isEmpty();
    assertThat(spec.usesGpus()).isFalse();
    Map<String, String> env = new HashMap<>(Map.of("A", "1"));
    ContainerSpec withEnv = BASE.withEnv(env);
    env.put("B", "2");
    assertThat(withEnv.env()).containsOnlyKeys("A");
    assertThatThrownBy(() -> withEnv.env().put("C", "3")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void acceptsTheValuesASpawnerSends() {
    ContainerSpec spec = BASE.withEnv(Map.of("JUPYTERHUB_USER", "alice", "X", "a=b"))
        .withLabel("gpuhub.user", "alice").withLimits(2, 2L * 1024 * 1024 * 1024)
        .withGpuDeviceUuids(List.of("GPU-5f3e8a4b-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "MIG-GPU-5f3e8a4b/1/0"));
    assertThat(spec.cpus()).isEqualTo(2.0);
    assertThat(spec.memoryBytes()).isEqualTo(2147483648L);
    assertThat(spec.usesGpus()).isTrue();
    assertThat(spec.labels()).containsEntry("gpuhub.user", "alice");
    assertThat(BASE.withLimits(ContainerSpec.MIN_CPUS, ContainerSpec.MIN_MEMORY_BYTES).cpus()).isEqualTo(0.01);
  }

  @Test
  void everyRuleNamesItsField() {
    assertInvalid(() -> ContainerSpec.of("a", "img", List.of()), "name");
    assertInvalid(() -> ContainerSpec.of("-alice", "img", List.of()), "name");
    assertInvalid(() -> ContainerSpec.of("alice/bob", "img", List.of()), "name");
    assertInvalid(() -> ContainerSpec.of(null, "img", List.of()), "name");
    assertInvalid(() -> ContainerSpec.of("x".repeat(129), "img", List.of()), "name");
    assertInvalid(() -> ContainerSpec.of("alice", "", List.of()), "image");
    assertInvalid(() -> ContainerSpec.of("alice", "img latest", List.of()), "image");
    assertInvalid(() -> ContainerSpec.of("alice", "--privileged", List.of()), "image");
    assertInvalid(() -> ContainerSpec.of("alice", "img", Arrays.asList("sleep", null)), "command");
    assertInvalid(() -> ContainerSpec.of("alice", "img", List.of("a\0b")), "command");
    assertInvalid(() -> BASE.withEnv(Map.of("1BAD", "x")), "env");
    assertInvalid(() -> BASE.withEnv(Map.of("NVIDIA_VISIBLE_DEVICES", "all")), "env");
    assertInvalid(() -> BASE.withLabels(Map.of(" ", "x")), "labels");
    assertInvalid(() -> BASE.withLabels(Map.of("a=b", "x")), "labels");
    assertInvalid(() -> BASE.withLimits(-1, 0), "cpus");
    assertInvalid(() -> BASE.withLimits(0.001, 0), "cpus");
    assertInvalid(() -> BASE.withLimits(Double.NaN, 0), "cpus");
    assertInvalid(() -> BASE.withLimits(Double.POSITIVE_INFINITY, 0), "cpus");
    assertInvalid(() -> BASE.withLimits(2000, 0), "cpus");
    assertInvalid(() -> BASE.withLimits(0, -1), "memory_bytes");
    assertInvalid(() -> BASE.withLimits(0, 1024), "memory_bytes");
    assertInvalid(() -> BASE.withGpuDeviceUuids(List.of("GPU-1,GPU-2")), "gpu_device_uuids");
    assertInvalid(() -> BASE.withGpuDeviceUuids(List.of("GPU-1", "GPU-1")), "gpu_device_uuids");
    assertInvalid(() -> BASE.withGpuDeviceUuids(List.of("")), "gpu_device_uuids");
  }

  private static void assertInvalid(Supplier<ContainerSpec> spec, String field) {
    assertThatThrownBy(spec::get).isInstanceOfSatisfying(InvalidContainerSpecException.class,
        e -> assertThat(e.field()).isEqualTo(field)).hasMessageContaining(field.equals("memory_bytes") ? "memory" : field);
  }
}
