package dev.gpuhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * What users run ships; test harnesses and benchmarks do not. Reads the packaged
 * {@code target/gpuhub.jar} (Failsafe runs after package) and fails the build when a dependency
 * with compile scope drags testkit, the bench module or its old home ({@code sim/bench}) back in.
 */
class ShippedJarIT {
  /** Entry prefixes that must not appear in the shipped jar, with what each one is. */
  private static final List<String> FORBIDDEN = List.of(
      "dev/gpuhub/testkit/",    // test harnesses (local PostgreSQL, Redis, dockerd, test images)
      "dev/gpuhub/bench/",      // benchmark harnesses: bench/target/gpuhub-bench.jar
      "dev/gpuhub/sim/bench/",  // where the benchmarks used to live
      "logback-test.xml");      // testkit's test logging, which would override logback.xml

  @Test
  void shipsNoTestHarnessOrBenchmark() throws IOException {
    List<String> names = entries();
    assertThat(names)
        .as("gpuhub.jar entries under %s (testkit and bench must stay out of app's compile/runtime "
            + "dependencies; see the root pom's comment on dependency arrows)", FORBIDDEN)
        .filteredOn(name -> FORBIDDEN.stream().anyMatch(name::startsWith))
        .isEmpty();
  }

  @Test
  void shipsTheCommandsTheSimulatorAndTheBroker() throws IOException {
    // Guards the check above against passing on an empty or wrong jar.
    assertThat(entries()).contains(
        "dev/gpuhub/app/GpuhubCommand.class",
        "dev/gpuhub/sim/pollux/Simulator.class",
        "dev/gpuhub/broker/BrokerServer.class",
        "logback.xml");
  }

  private static List<String> entries() throws IOException {
    Path jar = Path.of("target", "gpuhub.jar").toAbsolutePath();
    assertThat(jar).as("packaged jar (failsafe runs after package)").exists();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return Collections.list(zip.entries()).stream().map(ZipEntry::getName).toList();
    }
  }
}
