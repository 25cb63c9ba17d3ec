package dev.gpuhub.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle contract of {@link ContainerRuntime}, run against every implementation: the
 * in-memory fake (unit test) and Docker (integration test), so the fake never drifts from the real thing.
 */
public abstract class ContainerRuntimeContract {
  /** Short grace so that stopping a container that ignores SIGTERM does not slow the suite. */
  protected static final Duration GRACE = Duration.ofSeconds(1);
  private final List<String> created = new ArrayList<>();

  /** The runtime under test, the same instance for the whole test. */
  protected abstract ContainerRuntime runtime();

  /** An image present on the node. */
  protected abstract String image();

  /** A command that runs until it is stopped. */
  protected abstract List<String> longRunningCommand();

  /** Starts a container named {@code name} whose command ends by itself with {@code exitCode}; returns its id. */
  protected abstract String startExiting(String name, int exitCode);

  /** A name unique to this test run, removed after the test. */
  protected String uniqueName(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    created.add(name);
    return name;
  }

  @AfterEach
  void removeCreated() {
    created.forEach(runtime()::remove);
  }

  @Test
  void startedContainerIsRunningWithItsNameImageAndLabels() {
    String name = uniqueName("ct-run");
    String id = runtime().start(ContainerSpec.of(name, image(), longRunningCommand())
        .withLabels(Map.of("gpuhub.user", "alice", "gpuhub.test", "contract")));
    assertThat(id).matches("[0-9a-f]{64}");
    ContainerInfo info = runtime().inspect(id).orElseThrow();
    assertThat(info.id()).isEqualTo(id);
    assertThat(info.name()).isEqualTo(name);
    assertThat(info.image()).isEqualTo(image());
    assertThat(info.state()).isEqualTo(ContainerInfo.STATE_RUNNING);
    assertThat(info.exitCode()).isNull();
    assertThat(info.startedAt()).isNotNull();
    assertThat(info.labels()).containsEntry("gpuhub.user", "alice").containsEntry("gpuhub.test", "contract");
    assertThat(runtime().inspect(name)).contains(info);
    assertThat(runtime().inspect(id.substring(0, 12))).contains(info);
    assertThat(runtime().listRunning()).extracting(ContainerSummary::id).contains(id);
  }

  @Test
  void missingImageFailsByNameAndLeavesNothing() {
    String name = uniqueName("ct-noimg");
    assertThatThrownBy(() -> runtime().start(ContainerSpec.of(name, "gpuhub-test/absent:1", longRunningCommand())))
        .isInstanceOfSatisfying(ContainerStartException.class,
            e -> assertThat(e.reason()).isEqualTo(ContainerStartException.Reason.IMAGE_NOT_FOUND))
        .hasMessageContaining("image 'gpuhub-test/absent:1' not found on this node")
        .hasMessageContaining("./gpuhub build-image");
    assertThat(runtime().inspect(name)).isEmpty();
  }

  @Test
  void takenNameFailsAndKeepsTheFirstContainer() {
    String name = uniqueName("ct-dup");
    String first = runtime().start(ContainerSpec.of(name, image(), longRunningCommand()));
    assertThatThrownBy(() -> runtime().start(ContainerSpec.of(name, image(), longRunningCommand())))
        .isInstanceOfSatisfying(ContainerStartException.class,
            e -> assertThat(e.reason()).isEqualTo(ContainerStartException.Reason.NAME_IN_USE))
        .hasMessageContaining("'" + name + "' is already in use");
    assertThat(runtime().inspect(name)).hasValueSatisfying(i -> assertThat(i.id()).isEqualTo(first));
  }

  @Test
  void stopEndsTheContainerAndIsIdempotent() {
    String name = uniqueName("ct-stop");
    String id = runtime().start(ContainerSpec.of(name, image(), longRunningCommand()));
    runtime().stop(id, GRACE);
    ContainerInfo info = runtime().inspect(id).orElseThrow();
    assertThat(info.state()).isEqualTo(ContainerInfo.STATE_EXITED);
    assertThat(info.exitCode()).isNotNull();
    runtime().stop(id, GRACE);
    runtime().stop("ct-never-existed-" + UUID.randomUUID(), GRACE);
    assertThat(runtime().listRunning()).extracting(ContainerSummary::id).doesNotContain(id);
  }

  @Test
  void removeIsForcefulAndIdempotent() {
    String name = uniqueName("ct-rm");
    String id = runtime().start(ContainerSpec.of(name, image(), longRunningCommand()));
    assertThat(runtime().remove(name)).isTrue();
    assertThat(runtime().inspect(id)).isEmpty();
    assertThat(runtime().remove(name)).isFalse();
    assertThat(runtime().remove(id)).isFalse();
  }

  @Test
  void listByLabelIncludesStoppedContainersAndOnlyThoseWithTheLabel() {
    String key = "gpuhub.contract." + UUID.randomUUID().toString().substring(0, 8);
    String running = runtime().start(ContainerSpec.of(uniqueName("ct-lbl-a"), image(), longRunningCommand())
        .withLabel(key, "a"));
    String stopped = runtime().start(ContainerSpec.of(uniqueName("ct-lbl-b"), image(), longRunningCommand())
        .withLabel(key, "b"));
    runtime().start(ContainerSpec.of(uniqueName("ct-lbl-c"), image(), longRunningCommand()));
    runtime().stop(stopped, GRACE);
    assertThat(runtime().listByLabel(key)).extracting(ContainerSummary::id).containsExactlyInAnyOrder(running, stopped);
    assertThatThrownBy(() -> runtime().listByLabel(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCommandThatEndsReportsItsExitCode() {
    String id = startExiting(uniqueName("ct-exit"), 3);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    ContainerInfo info = runtime().inspect(id).orElseThrow();
    while (!info.finished() && System.nanoTime() < deadline) {
      sleep(50);
      info = runtime().inspect(id).orElseThrow();
    }
    assertThat(info.state()).isEqualTo(ContainerInfo.STATE_EXITED);
    assertThat(info.exitCode()).isEqualTo(3);
  }

  @Test
  void inspectAndLogsOfAMissingContainer() {
    String missing = "ct-missing-" + UUID.randomUUID();
    assertThat(runtime().inspect(missing)).isEmpty();
    assertThatThrownBy(() -> runtime().logsTail(missing, 10)).isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining(missing);
  }

  @Test
  void argumentsOutOfRangeAreRejected() {
    assertThatThrownBy(() -> runtime().stop("x", Duration.ofSeconds(61))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("60 s");
    assertThatThrownBy(() -> runtime().stop("x", Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> runtime().logsTail("x", 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> runtime().logsTail("x", ContainerRuntime.MAX_LOG_LINES + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  protected static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
