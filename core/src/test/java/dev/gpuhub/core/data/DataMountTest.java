package dev.gpuhub.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DataMountTest {
  @Test
  void aMountAppliesToItsProfilesAndGroupsOrToEveryoneWhenTheyAreEmpty() {
    DataMount everyone = new DataMount("scratch-data", "/srv/data/shared", "/data/shared", true, null, null);
    DataMount gpuOnly = new DataMount("imagenet", "/srv/data/imagenet", "/data/imagenet", true, List.of("gpu"), List.of());
    DataMount lab = new DataMount("ai-lab", "/srv/data/ai", "/project", false, List.of(), List.of("ai-lab"));
    assertThat(everyone.appliesTo("single-cpu", List.of())).isTrue();
    assertThat(gpuOnly.appliesTo("gpu", List.of())).isTrue();
    assertThat(gpuOnly.appliesTo("single-cpu", List.of())).isFalse();
    assertThat(lab.appliesTo("gpu", List.of("ai-lab", "other"))).isTrue();
    assertThat(lab.appliesTo("gpu", List.of("other"))).isFalse();
  }

  @Test
  void eachBadPartIsNamed() {
    String[][] bad = {
        {"Bad Name", "/srv/data/a", "/data/a", "name"},
        {"a", "srv/data/a", "/data/a", "path"},
        {"a", "/srv/data/../etc", "/data/a", "path"},
        {"a", "/srv/data/a", "data/a", "target"},
        {"a", "/srv/data/a", "/", "target"},
        {"a", "/srv/data/a", "/etc/passwd", "target"},
        {"a", "/srv/data/a", "/proc/x", "target"},
        {"a", "/srv/data/a", "/gpuhub/secrets", "target"},
        {"a", "/srv/data/a", "/data/./a", "target"}};
    for (String[] b : bad) {
      assertThatThrownBy(() -> new DataMount(b[0], b[1], b[2], true, List.of(), List.of())).as(String.join(" ", b))
          .isInstanceOfSatisfying(InvalidDataMountException.class, e -> assertThat(e.field()).isEqualTo(b[3]));
    }
  }
}
