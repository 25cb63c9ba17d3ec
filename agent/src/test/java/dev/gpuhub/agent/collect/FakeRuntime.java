package dev.gpuhub.agent.collect;

import dev.gpuhub.runtime.ContainerInfo;
import dev.gpuhub.runtime.ContainerRuntime;
import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.runtime.ContainerSummary;
import dev.gpuhub.runtime.RuntimeUnavailableException;
import dev.gpuhub.runtime.fake.InMemoryContainerRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A runtime that lists the running containers it is given, or fails like an absent daemon after
 * {@link #goAway()}. Lifecycle calls go to an {@link InMemoryContainerRuntime} (collectors never make them).
 */
final class FakeRuntime implements ContainerRuntime {
  private final InMemoryContainerRuntime lifecycle = new InMemoryContainerRuntime();
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

  private void requireReachable() {
    if (!reachable) {
      throw new RuntimeUnavailableException("docker daemon at unix:///fake.sock is not reachable", null);
    }
  }

  @Override
  public List<ContainerSummary> listRunning() {
    requireReachable();
    return running;
  }

  @Override
  public List<ContainerSummary> listByLabel(String key) {
    requireReachable();
    return lifecycle.listByLabel(key);
  }

  @Override
  public String start(ContainerSpec spec) {
    requireReachable();
    return lifecycle.start(spec);
  }

  @Override
  public Optional<ContainerInfo> inspect(String idOrName) {
    requireReachable();
    return lifecycle.inspect(idOrName);
  }

  @Override
  public void stop(String idOrName, Duration grace) {
    requireReachable();
    lifecycle.stop(idOrName, grace);
  }

  @Override
  public boolean remove(String idOrName) {
    requireReachable();
    return lifecycle.remove(idOrName);
  }

  @Override
  public String logsTail(String idOrName, int lines) {
    requireReachable();
    return lifecycle.logsTail(idOrName, lines);
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
