package dev.gpuhub.agent.collect;

import dev.gpuhub.runtime.ContainerRuntime;
import dev.gpuhub.runtime.ContainerSummary;
import dev.gpuhub.runtime.RuntimeUnavailableException;
import java.util.List;
import java.util.Map;

/** A runtime that lists what it is given, or fails like an absent daemon after {@link #goAway()}. */
final class FakeRuntime implements ContainerRuntime {
  private volatile List<ContainerSummary> running;
  private volatile boolean reachable = true;

  FakeRuntime(List<ContainerSummary> running) {
    this.running = List.copyOf(running);
  }

  static ContainerSummary container(String name, String image) {
    return new ContainerSummary("id-" + name, List.of(name), image, "running", Map.of());
  }

  void goAway() {
    reachable = false;
  }

  void comeBack() {
    reachable = true;
  }

  @Override
  public List<ContainerSummary> listRunning() {
    if (!reachable) {
      throw new RuntimeUnavailableException("docker daemon at unix:///fake.sock is not reachable", null);
    }
    return running;
  }

  @Override
  public boolean ping() {
    return reachable;
  }

  @Override
  public String describe() {
    return "fake runtime";
  }
}
