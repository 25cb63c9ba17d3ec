package dev.gpuhub.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SimulatedNodeSpecTest {

  @Test
  void parsesEveryKey() {
    SimulatedNodeSpec spec = SimulatedNodeSpec.parse("cores=24,ram=64G,gpus=2,max_containers=60,cpu_base=7.5,mem_base=0");
    assertThat(spec).isEqualTo(new SimulatedNodeSpec(24, 64, 2, 60, 7.5, 0));
  }

  @Test
  void fillsDefaultsAndIgnoresCaseAndBlanks() {
    SimulatedNodeSpec spec = SimulatedNodeSpec.parse(" CORES = 4 , Ram=16g ");
    assertThat(spec.cores()).isEqualTo(4);
    assertThat(spec.ramGb()).isEqualTo(16.0);
    assertThat(spec.gpus()).isZero();
    assertThat(spec.maxContainers()).isEqualTo(10);
    assertThat(spec.cpuBasePercent()).isEqualTo(5.0);
    assertThat(spec.memBasePercent()).isEqualTo(5.0);
    assertThat(spec).isEqualTo(SimulatedNodeSpec.of(4, 16));
  }

  @ParameterizedTest
  @CsvSource({"64, 64", "64G, 64", "0.5G, 0.5", "512M, 0.5", "512m, 0.5", "1536 M, 1.5", ".25G, 0.25"})
  void ramTakesGigabytesOrMegabytes(String ram, double gb) {
    assertThat(SimulatedNodeSpec.parse("cores=1,ram=" + ram).ramGb()).isEqualTo(gb);
  }

  @Test
  void toStringIsTheCanonicalSpecAndParsesBack() {
    SimulatedNodeSpec spec = SimulatedNodeSpec.parse("ram=512M,cores=8,gpus=1");
    assertThat(spec.toString()).isEqualTo("cores=8,ram=0.5G,gpus=1,max_containers=10,cpu_base=5,mem_base=5");
    assertThat(SimulatedNodeSpec.parse(spec.toString())).isEqualTo(spec);
    SimulatedNodeSpec odd = SimulatedNodeSpec.parse("cores=3,ram=100M,cpu_base=12.25");
    assertThat(SimulatedNodeSpec.parse(odd.toString())).isEqualTo(odd);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "cores=24,ram=x               | ram must be like 64G or 512M (more than 0, at most 1000000G), was 'x'",
      "cores=24,ram=0G              | ram must be like 64G",
      "cores=24,ram=64T             | was '64T'",
      "cores=24,ram=-1G             | was '-1G'",
      "cores=0,ram=64G              | cores must be a whole number from 1 to 100000, was '0'",
      "cores=2.5,ram=64G            | cores must be a whole number from 1 to 100000, was '2.5'",
      "cores=many,ram=64G           | cores must be a whole number from 1 to 100000, was 'many'",
      "cores=99999999999,ram=64G    | cores must be a whole number from 1 to 100000, was '99999999999'",
      "cores=2,ram=4G,gpus=-1       | gpus must be a whole number from 0 to 64, was '-1'",
      "cores=2,ram=4G,gpus=65       | gpus must be a whole number from 0 to 64, was '65'",
      "cores=2,ram=4G,max_containers=0 | max_containers must be a whole number from 1 to 100000, was '0'",
      "cores=2,ram=4G,cpu_base=101  | cpu_base must be a percent from 0 to 100, was '101'",
      "cores=2,ram=4G,mem_base=-5   | mem_base must be a percent from 0 to 100, was '-5'",
      "cores=2,ram=4G,mem_base=half | mem_base must be a percent from 0 to 100, was 'half'",
      "cores=2,ram=4G,disks=3       | unknown key 'disks' in simulated node spec 'cores=2,ram=4G,disks=3': use cores, ram, gpus, max_containers, cpu_base, mem_base",
      "cores=2,ram=4G,cores=3       | cores is given twice",
      "cores=2,ram=4G,gpus          | gpus needs a value, e.g. gpus=2, was 'gpus'",
      "cores=2,ram=                 | ram needs a value, e.g. ram=64G",
      "cores=2,,ram=4G              | has an empty entry",
      "cores=2,ram=4G,              | has an empty entry",
      "ram=4G                       | needs cores, e.g. cores=24",
      "cores=4                      | needs ram, e.g. ram=64G",
      "'   '                        | simulated node spec is empty"})
  void badInputNamesTheKeyAndTheValue(String text, String message) {
    assertThatThrownBy(() -> SimulatedNodeSpec.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void theConstructorChecksToo() {
    assertThatThrownBy(() -> new SimulatedNodeSpec(1, 0, 0, 1, 5, 5)).hasMessageStartingWith("ram must be");
    assertThatThrownBy(() -> new SimulatedNodeSpec(1, Double.NaN, 0, 1, 5, 5)).hasMessageStartingWith("ram must be");
    assertThatThrownBy(() -> new SimulatedNodeSpec(1, 1, 0, 1, Double.NaN, 5)).hasMessageStartingWith("cpu_base must be");
    assertThatThrownBy(() -> SimulatedNodeSpec.parse(null)).hasMessageContaining("empty");
  }
}
