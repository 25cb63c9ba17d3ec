package dev.gpuhub.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault-injection suite of {@code scripts/chaos.sh}, with shorter outages (5 s instead of
 * 20 s): real PostgreSQL, Redis, dockerd, the shipped jar as control plane and agent, every fault in
 * turn under the steady load; every target printed beside its figure must be met.
 */
class ChaosIT {
  @TempDir Path dir;

  @Test
  void everyFaultCostsWithinItsTargets() throws Exception {
    Path jar = Path.of("..", "app", "target", "gpuhub.jar").toAbsolutePath().normalize();
    List<FaultReport> reports = ChaosSuite.run(jar, dir, Duration.ofSeconds(5), Duration.ofSeconds(2), ChaosSuite.FAULTS);
    assertThat(reports).hasSize(ChaosSuite.FAULTS.size());
    String missed = reports.stream().filter(r -> !r.met()).map(FaultReport::describe).collect(Collectors.joining());
    assertThat(missed).as("faults whose targets were missed").isEmpty();
  }
}
