package dev.gpuhub.runtime.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.runtime.ContainerRuntime;
import dev.gpuhub.runtime.ContainerRuntimeContract;
import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.runtime.ContainerStartException;
import dev.gpuhub.runtime.RuntimeUnavailableException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fake keeps the runtime contract, plus its failure modes work. */
class InMemoryContainerRuntimeTest extends ContainerRuntimeContract {
  private static final String IMAGE = "gpuhub-test/busybox:latest";
  private final InMemoryContainerRuntime runtime = new InMemoryContainerRuntime(IMAGE);

  @Override
  protected ContainerRuntime runtime() {
    return runtime;
  }

  @Override
  protected String image() {
    return IMAGE;
  }

  @Override
  protected List<String> longRunningCommand() {
    return List.of("sleep", "300");
  }

  @Override
  protected String startExiting(String name, int exitCode) {
    String id = runtime.start(ContainerSpec.of(name, IMAGE, List.of("sh", "-c", "exit " + exitCode)));
    runtime.exit(id, exitCode);
    return id;
  }

  @Test
  void aFailedStartLeavesNothingAndTheNextStartWorks() {
    String name = uniqueName("fake-fail");
    runtime.failNextStart("could not select device driver \"nvidia\"");
    assertThatThrownBy(() -> runtime.start(ContainerSpec.of(name, IMAGE, longRunningCommand())))
        .isInstanceOfSatisfying(ContainerStartException.class,
            e -> assertThat(e.reason()).isEqualTo(ContainerStartException.Reason.FAILED))
        .hasMessageContaining("nvidia");
    assertThat(runtime.inspect(name)).isEmpty();
    assertThat(runtime.start(ContainerSpec.of(name, IMAGE, longRunningCommand()))).isNotBlank();
  }

  @Test
  void anUnreachableDaemonFailsEveryCallButPing() {
    runtime.goAway();
    assertThat(runtime.ping()).isFalse();
    assertThatThrownBy(runtime::listRunning).isInstanceOf(RuntimeUnavailableException.class);
    assertThatThrownBy(() -> runtime.inspect("x")).isInstanceOf(RuntimeUnavailableException.class);
    assertThatThrownBy(() -> runtime.start(ContainerSpec.of("fake-away", IMAGE, List.of())))
        .isInstanceOf(RuntimeUnavailableException.class);
    runtime.comeBack();
    assertThat(runtime.ping()).isTrue();
  }

  @Test
  void logsTailKeepsTheLastLines() {
    String id = runtime.start(ContainerSpec.of(uniqueName("fake-logs"), IMAGE, longRunningCommand()));
    runtime.setLogs(id, "one\ntwo\nthree\n");
    assertThat(runtime.logsTail(id, 2)).isEqualTo("two\nthree\n");
    assertThat(runtime.logsTail(id, 50)).isEqualTo("one\ntwo\nthree\n");
  }

  @Test
  void runningSpecsListsOnlyRunningContainersInStartOrder() {
    String a = runtime.start(ContainerSpec.of(uniqueName("fake-a"), IMAGE, longRunningCommand()).withLimits(1, 0));
    runtime.start(ContainerSpec.of(uniqueName("fake-b"), IMAGE, longRunningCommand()).withLimits(2, 0));
    String c = runtime.start(ContainerSpec.of(uniqueName("fake-c"), IMAGE, longRunningCommand()).withLimits(3, 0));
    runtime.stop(a, GRACE);
    runtime.remove(c);
    assertThat(runtime.runningSpecs()).extracting(ContainerSpec::cpus).containsExactly(2.0);
  }

  @Test
  void acceptAnyImageMakesEveryImagePresent() {
    String name = uniqueName("fake-any");
    assertThatThrownBy(() -> runtime.start(ContainerSpec.of(name, "somewhere/else:1", List.of())))
        .isInstanceOf(ContainerStartException.class);
    runtime.acceptAnyImage();
    assertThat(runtime.start(ContainerSpec.of(name, "somewhere/else:1", List.of()))).isNotBlank();
  }
}
