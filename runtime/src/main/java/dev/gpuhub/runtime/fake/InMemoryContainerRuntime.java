package dev.gpuhub.runtime.fake;

import dev.gpuhub.runtime.ContainerInfo;
import dev.gpuhub.runtime.ContainerRuntime;
import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.runtime.ContainerStartException;
import dev.gpuhub.runtime.ContainerSummary;
import dev.gpuhub.runtime.RuntimeUnavailableException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link ContainerRuntime} that keeps containers in memory, for tests of code that drives a
 * runtime (the agent's node API, spawners). It keeps the interface's contract, checked by the same
 * contract tests as the Docker runtime: unknown images and taken names fail the start, stop and
 * remove are idempotent, ids are 64 hex digits and may be abbreviated. Failure modes on demand:
 * {@link #failNextStart(String)} (a start that fails after creation), {@link #goAway()} (an
 * unreachable daemon), {@link #exit(String, int)} (a command that ends by itself).
 */
public final class InMemoryContainerRuntime implements ContainerRuntime {
  /** Exit status of a container stopped by SIGTERM (128 + 15). */
  public static final int EXIT_CODE_TERMINATED = 143;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Clock clock;
  private final Set<String> images = new HashSet<>();
  private final Map<String, Entry> containers = new LinkedHashMap<>();
  private final List<ContainerSpec> started = new ArrayList<>();
  private String nextStartFailure;
  private boolean reachable = true;
  private boolean anyImage;
  private final Set<String> inRegistry = new HashSet<>();

  private static final class Entry {
    final ContainerSpec spec;
    ContainerInfo info;
    String logs = "";

    Entry(ContainerSpec spec, ContainerInfo info) {
      this.spec = spec;
      this.info = info;
    }
  }

  /** A runtime whose node has {@code presentImages}. */
  public InMemoryContainerRuntime(Clock clock, String... presentImages) {
    this.clock = clock;
    images.addAll(List.of(presentImages));
  }

  public InMemoryContainerRuntime(String... presentImages) {
    this(Clock.systemUTC(), presentImages);
  }

  /** Makes {@code image} present on the node. */
  public synchronized void addImage(String image) {
    images.add(image);
  }

  /** From now on every image counts as present (a simulated node that has whatever image is asked for). */
  public synchronized void acceptAnyImage() {
    anyImage = true;
  }

  /** The next {@link #start} creates the container, fails to start it with {@code reason}, and removes it. */
  public synchronized void failNextStart(String reason) {
    nextStartFailure = reason;
  }

  /** From now on every call fails like an unreachable daemon. */
  public synchronized void goAway() {
    reachable = false;
  }

  public synchronized void comeBack() {
    reachable = true;
  }

  /** The container's command ends by itself with {@code exitCode}. */
  public synchronized void exit(String idOrName, int exitCode) {
    Entry e = find(idOrName).orElseThrow(() -> new NoSuchElementException("no container '" + idOrName + "'"));
    e.info = withState(e.info, ContainerInfo.STATE_EXITED, exitCode);
  }

  /** Sets what {@link #logsTail} returns for the container. */
  public synchronized void setLogs(String idOrName, String logs) {
    find(idOrName).orElseThrow(() -> new NoSuchElementException("no container '" + idOrName + "'")).logs = logs;
  }

  /** Every spec {@link #start} was called with and accepted, in order (including later-removed ones). */
  public synchronized List<ContainerSpec> startedSpecs() {
    return List.copyOf(started);
  }

  /** The specs of the containers running now, in start order. */
  public synchronized List<ContainerSpec> runningSpecs() {
    return containers.values().stream().filter(e -> e.info.running()).map(e -> e.spec).toList();
  }

  /** The spec a present container was started with. */
  public synchronized Optional<ContainerSpec> specOf(String idOrName) {
    return find(idOrName).map(e -> e.spec);
  }

  /** Makes {@code image} pullable: {@link #pullImage} then reports three steps of a 3-layer, 300 MB pull and adds it. */
  public synchronized InMemoryContainerRuntime inRegistry(String image) {
    inRegistry.add(image);
    return this;
  }

  @Override
  public void pullImage(String reference, java.util.function.Consumer<dev.gpuhub.core.node.PullProgress> progress) {
    synchronized (this) {
      requireReachable();
      if (!inRegistry.contains(reference)) {
        throw new dev.gpuhub.runtime.ImagePullException("pulling " + reference + " failed: manifest unknown", null);
      }
    }
    for (int layers = 1; layers <= 3; layers++) {
      progress.accept(new dev.gpuhub.core.node.PullProgress(layers, 3, layers * 100_000_000L, 300_000_000L));
    }
    synchronized (this) {
      images.add(reference);
    }
  }

  /** The images given (null when any image counts as present). */
  @Override
  public synchronized List<String> images() {
    requireReachable();
    return anyImage ? null : images.stream().sorted().limit(MAX_IMAGES).toList();
  }

  @Override
  public synchronized List<ContainerSummary> listRunning() {
    requireReachable();
    return containers.values().stream().filter(e -> e.info.running()).map(InMemoryContainerRuntime::summary).toList();
  }

  @Override
  public synchronized List<ContainerSummary> listByLabel(String key) {
    ContainerRuntime.requireLabelKey(key);
    requireReachable();
    return containers.values().stream().filter(e -> e.info.labels().containsKey(key))
        .map(InMemoryContainerRuntime::summary).toList();
  }

  @Override
  public synchronized String start(ContainerSpec spec) {
    requireReachable();
    if (!anyImage && !images.contains(spec.image())) throw ContainerStartException.imageNotFound(spec.image(), null);
    if (containers.values().stream().anyMatch(e -> e.info.name().equals(spec.name()))) {
      throw ContainerStartException.nameInUse(spec.name(), null);
    }
    if (nextStartFailure != null) {
      String reason = nextStartFailure;
      nextStartFailure = null;
      throw new ContainerStartException(ContainerStartException.Reason.FAILED, "container '" + spec.name()
          + "' from image '" + spec.image() + "' failed to start: " + reason, null);
    }
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String id = HexFormat.of().formatHex(bytes);
    containers.put(id, new Entry(spec, new ContainerInfo(id, spec.name(), spec.image(), ContainerInfo.STATE_RUNNING,
        null, clock.instant(), spec.labels())));
    started.add(spec);
    return id;
  }

  @Override
  public synchronized Optional<ContainerInfo> inspect(String idOrName) {
    requireReachable();
    return find(idOrName).map(e -> e.info);
  }

  @Override
  public synchronized void stop(String idOrName, Duration grace) {
    ContainerRuntime.requireValidGrace(grace);
    requireReachable();
    find(idOrName).filter(e -> e.info.running())
        .ifPresent(e -> e.info = withState(e.info, ContainerInfo.STATE_EXITED, EXIT_CODE_TERMINATED));
  }

  @Override
  public synchronized boolean remove(String idOrName) {
    requireReachable();
    Optional<Entry> e = find(idOrName);
    e.ifPresent(entry -> containers.remove(entry.info.id()));
    return e.isPresent();
  }

  @Override
  public synchronized String logsTail(String idOrName, int lines) {
    ContainerRuntime.requireValidLogLines(lines);
    requireReachable();
    String logs = find(idOrName).orElseThrow(() -> new NoSuchElementException("no container '" + idOrName + "'")).logs;
    List<String> all = logs.lines().toList();
    List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
    return tail.isEmpty() ? "" : String.join("\n", tail) + "\n";
  }

  @Override
  public synchronized boolean ping() {
    return reachable;
  }

  @Override
  public String describe() {
    return "in-memory container runtime";
  }

  /** By name, full id, or an id prefix that matches exactly one container. */
  private Optional<Entry> find(String idOrName) {
    if (idOrName == null || idOrName.isEmpty()) return Optional.empty();
    for (Entry e : containers.values()) {
      if (e.info.name().equals(idOrName) || e.info.id().equals(idOrName)) return Optional.of(e);
    }
    List<Entry> byPrefix = containers.values().stream().filter(e -> e.info.id().startsWith(idOrName)).toList();
    return byPrefix.size() == 1 ? Optional.of(byPrefix.get(0)) : Optional.empty();
  }

  private void requireReachable() {
    if (!reachable) throw new RuntimeUnavailableException("in-memory runtime is unreachable (goAway() was called)", null);
  }

  private static ContainerInfo withState(ContainerInfo i, String state, Integer exitCode) {
    return new ContainerInfo(i.id(), i.name(), i.image(), state, exitCode, i.startedAt(), i.labels());
  }

  private static ContainerSummary summary(Entry e) {
    ContainerInfo i = e.info;
    return new ContainerSummary(i.id(), List.of(i.name()), i.image(), i.state(), i.labels());
  }

}
