package dev.gpuhub.core.placement;

import static dev.gpuhub.core.placement.Nodes.node;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FiltersTest {
  private static SelectionRequest request(boolean gpu, Thresholds t) {
    return new SelectionRequest("p", gpu, 0, 0, 1, t, SelectionAlgorithm.BEST_FIT);
  }

  @Test
  void defaultThresholdsAreEightyCpuAndEightyFiveMemory() {
    SelectionRequest r = request(false, Thresholds.DEFAULT);
    assertThat(Filters.USAGE.reject(node("a").usage(80.0, 85.0).build(), r)).isEmpty();
    assertThat(Filters.USAGE.reject(node("a").usage(80.1, 10.0).build(), r)).contains("cpu usage 80.1% is over the limit of 80%");
    assertThat(Filters.USAGE.reject(node("a").usage(10.0, 85.5).build(), r)).contains("memory usage 85.5% is over the limit of 85%");
    assertThat(Filters.USAGE.reject(node("a").usage(null, 10.0).build(), r)).isPresent();
  }

  @Test
  void strictThresholdsAreSixtySixtyAndFiveContainers() {
    SelectionRequest r = request(false, Thresholds.STRICT);
    assertThat(Filters.USAGE.reject(node("a").usage(60.0, 60.0).build(), r)).isEmpty();
    assertThat(Filters.USAGE.reject(node("a").usage(61.0, 10.0).build(), r)).isPresent();
    assertThat(Filters.USAGE.reject(node("a").usage(10.0, 61.0).build(), r)).isPresent();
    assertThat(Filters.CONTAINER_CAPACITY.reject(node("a").containers(4, 10).build(), r)).isEmpty();
    assertThat(Filters.CONTAINER_CAPACITY.reject(node("a").containers(5, 10).build(), r)).contains("runs 5 containers; the limit is 5");
  }

  @Test
  void aNodeAtMaxContainersIsNeverSelected() {
    SelectionRequest r = request(false, Thresholds.DEFAULT);
    assertThat(Filters.CONTAINER_CAPACITY.reject(node("a").containers(9, 10).build(), r)).isEmpty();
    assertThat(Filters.CONTAINER_CAPACITY.reject(node("a").containers(10, 10).build(), r)).contains("runs 10 containers; the limit is 10");
    assertThat(Filters.CONTAINER_CAPACITY.reject(node("a").containers(12, 10).build(), r)).isPresent();
  }

  @Test
  void gpuProfilesOnlyGetGpuNodes() {
    assertThat(Filters.GPU.reject(node("a").build(), request(true, Thresholds.DEFAULT))).contains("no GPU");
    assertThat(Filters.GPU.reject(node("a").gpus(1).build(), request(true, Thresholds.DEFAULT))).isEmpty();
    assertThat(Filters.GPU.reject(node("a").build(), request(false, Thresholds.DEFAULT))).isEmpty();
  }

  @Test
  void nodesSmallerThanTheProfileAreRejected() {
    SelectionRequest r = new SelectionRequest("multi-cpu", false, 4, 8, 1, Thresholds.DEFAULT, SelectionAlgorithm.BEST_FIT);
    assertThat(Filters.RESOURCE_FIT.reject(node("a").cores(2).build(), r)).contains("has 2 cpu cores; 4 are needed");
    assertThat(Filters.RESOURCE_FIT.reject(node("a").cores(4).ram(7.5).build(), r)).contains("has 7.5 GB memory; 8 GB are needed");
    assertThat(Filters.RESOURCE_FIT.reject(node("a").cores(4).ram(8).build(), r)).isEmpty();
  }

  @Test
  void inactiveNodesAreRejected() {
    assertThat(Filters.ACTIVE.reject(node("a").inactive().build(), request(false, Thresholds.DEFAULT))).isPresent();
  }
}
