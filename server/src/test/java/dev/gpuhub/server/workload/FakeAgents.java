package dev.gpuhub.server.workload;

import dev.gpuhub.wire.node.ContainerRequest;
import dev.gpuhub.wire.node.ContainerView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stand-in agents for orchestration tests: containers live in memory per node, and a readiness
 * probe answers for a running container whose node address and {@code GPUHUB_PORT} are those of the probed URL. Failure
 * modes are switched on by name, after JupyterHub's test spawners. Volumes are manifests per node
 * ({@link #volume}); an exported archive is a token naming its node and volume, and an import
 * copies that volume's manifest. 
 * <ul>
 *   <li>{@link #startFailsOn}: the agent refuses to start containers on that node (image missing, say);</li>
 *   <li>{@link #neverReady}: containers whose name starts with the prefix run but never answer;</li>
 *   <li>{@link #exitsAtOnce}: containers whose name starts with the prefix exit right after starting;</li>
 *   <li>{@link #vanishOnStart}: the node stops answering once a container was started on it
 *       (a node lost mid-start);</li>
 *   <li>{@link #importFailsOn}: writing a volume on that node breaks off (a move that fails midway).</li>
 * </ul>
 */
public final class FakeAgents implements AgentClient, ReadinessProbe {
  private final Map<String, Map<String, Container>> nodes = new LinkedHashMap<>();
  private final Set<String> startFails = new HashSet<>();
  private volatile Runnable beforeList;
  private final Set<String> unreachable = new HashSet<>();
  private final Set<String> vanishOnStart = new HashSet<>();
  private final List<String> neverReady = new ArrayList<>();
  private final List<String> exitsAtOnce = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<String, Map<String, dev.gpuhub.wire.node.VolumeManifest>> volumes = new LinkedHashMap<>();
  private final Set<String> importFails = new HashSet<>();
  /** Every start ever asked for, by container name. */
  public final List<String> startsAsked = new ArrayList<>();

  private record Container(String id, String ip, ContainerRequest request, String state, Integer exitCode) {
    ContainerView view() {
      return new ContainerView(id, request.name(), request.image(), state, exitCode, null, request.labels());
    }
  }

  public synchronized FakeAgents startFailsOn(String hostname) {
    startFails.add(hostname);
    return this;
  }

  public synchronized FakeAgents neverReady(String namePrefix) {
    neverReady.add(namePrefix);
    return this;
  }

  public synchronized FakeAgents exitsAtOnce(String namePrefix) {
    exitsAtOnce.add(namePrefix);
    return this;
  }

  public synchronized FakeAgents vanishOnStart(String hostname) {
    vanishOnStart.add(hostname);
    return this;
  }

  /** The node's agent does not answer (down, or its node cut off). */
  public synchronized FakeAgents unreachable(String hostname) {
    unreachable.add(hostname);
    return this;
  }

  /** The node answers again (what it ran is still there). */
  public synchronized void reachable(String hostname) {
    unreachable.remove(hostname);
    vanishOnStart.remove(hostname);
  }

  /** Containers on the node, running or not, by name. */
  public synchronized Map<String, ContainerView> on(String hostname) {
    Map<String, ContainerView> out = new LinkedHashMap<>();
    nodes.getOrDefault(hostname, Map.of()).forEach((name, c) -> out.put(name, c.view()));
    return out;
  }

  /** The request a container was started with. */
  public synchronized ContainerRequest request(String hostname, String name) {
    return nodes.get(hostname).get(name).request();
  }

  /** Every container on every node, by "node/name". */
  public synchronized List<String> everywhere() {
    List<String> out = new ArrayList<>();
    nodes.forEach((node, cs) -> cs.keySet().forEach(name -> out.add(node + "/" + name)));
    return out;
  }

  /** Ends a container as if it had crashed. */
  public synchronized void crash(String hostname, String name) {
    Container c = nodes.get(hostname).get(name);
    nodes.get(hostname).put(name, new Container(c.id(), c.ip(), c.request(), "exited", 137));
  }

  @Override
  public synchronized String start(AgentEndpoint node, ContainerRequest request) {
    reach(node);
    startsAsked.add(request.name());
    if (startFails.contains(node.hostname())) {
      throw new AgentCallException("the agent at " + node.url() + " answered 404: image " + request.image() + " not found");
    }
    Map<String, Container> cs = nodes.computeIfAbsent(node.hostname(), h -> new LinkedHashMap<>());
    if (cs.containsKey(request.name())) {
      throw new AgentCallException("the agent at " + node.url() + " answered 409: name " + request.name() + " in use");
    }
    boolean exits = exitsAtOnce.stream().anyMatch(request.name()::startsWith);
    String id = "c" + ids.incrementAndGet();
    cs.put(request.name(), new Container(id, node.ip(), request, exits ? "exited" : "running", exits ? 1 : null));
    if (vanishOnStart.contains(node.hostname())) unreachable.add(node.hostname());
    return id;
  }

  @Override
  public synchronized Optional<ContainerView> inspect(AgentEndpoint node, String idOrName) {
    reach(node);
    return find(node.hostname(), idOrName).map(Container::view);
  }

  @Override
  public List<ContainerView> list(AgentEndpoint node, String labelKey) {
    Runnable hook = beforeList;
    if (hook != null) hook.run(); // outside the lock: the hook may start containers
    synchronized (this) {
      reach(node);
      return nodes.getOrDefault(node.hostname(), Map.of()).values().stream()
          .filter(c -> c.request().labels().containsKey(labelKey)).map(Container::view).toList();
    }
  }

  /** Runs {@code hook} at the start of every list call, before the listing (null: none). */
  public FakeAgents beforeList(Runnable hook) {
    this.beforeList = hook;
    return this;
  }

  @Override
  public synchronized void remove(AgentEndpoint node, String idOrName) {
    reach(node);
    find(node.hostname(), idOrName).ifPresent(c -> nodes.get(node.hostname()).remove(c.request().name()));
  }

  @Override
  public synchronized String logs(AgentEndpoint node, String idOrName, int lines) {
    return "(fake logs of " + idOrName + ")";
  }

  @Override
  public synchronized boolean answers(Readiness readiness) {
    for (var node : nodes.entrySet()) {
      if (unreachable.contains(node.getKey())) continue; // a lost node's containers cannot be reached either
      for (Container c : node.getValue().values()) {
        String port = c.request().env().get("GPUHUB_PORT");
        if (port != null && readiness.url().getPort() == Integer.parseInt(port) && readiness.url().getHost().equals(c.ip())
            && c.state().equals("running")
            && neverReady.stream().noneMatch(c.request().name()::startsWith)) {
          return true;
        }
      }
    }
    return false;
  }

  private Optional<Container> find(String hostname, String idOrName) {
    Map<String, Container> cs = nodes.getOrDefault(hostname, Map.of());
    if (cs.containsKey(idOrName)) return Optional.of(cs.get(idOrName));
    return cs.values().stream().filter(c -> c.id().equals(idOrName)).findFirst();
  }

  private void reach(AgentEndpoint node) {
    if (unreachable.contains(node.hostname())) {
      throw new AgentCallException("the agent at " + node.url() + " is not reachable: connection refused");
    }
  }

  /** Puts volume {@code name} holding {@code manifest} on the node. */
  public synchronized FakeAgents volume(String hostname, String name, dev.gpuhub.wire.node.VolumeManifest manifest) {
    volumes.computeIfAbsent(hostname, h -> new LinkedHashMap<>()).put(name, manifest);
    return this;
  }

  /** The volumes on the node by name. */
  public synchronized Map<String, dev.gpuhub.wire.node.VolumeManifest> volumesOn(String hostname) {
    return Map.copyOf(volumes.getOrDefault(hostname, Map.of()));
  }

  public synchronized FakeAgents importFailsOn(String hostname) {
    importFails.add(hostname);
    return this;
  }

  @Override
  public synchronized Optional<dev.gpuhub.wire.node.VolumeManifest> volumeManifest(AgentEndpoint node, String name) {
    return Optional.ofNullable(volumes.getOrDefault(node.hostname(), Map.of()).get(name));
  }

  @Override
  public synchronized Optional<java.io.InputStream> exportVolume(AgentEndpoint node, String name) {
    if (volumeManifest(node, name).isEmpty()) return Optional.empty();
    return Optional.of(new java.io.ByteArrayInputStream((node.hostname() + "/" + name).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Override
  public void importVolume(AgentEndpoint node, String name, java.io.InputStream tar) {
    String[] from;
    try {
      from = new String(tar.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("/", 2);
    } catch (java.io.IOException e) {
      throw new AgentCallException("the archive broke: " + e);
    }
    synchronized (this) {
      if (importFails.contains(node.hostname())) {
        throw new AgentCallException("the agent at " + node.url() + " answered 503: docker daemon stopped mid-archive");
      }
      volume(node.hostname(), name, volumes.get(from[0]).get(from[1]));
    }
  }

  @Override
  public synchronized boolean removeVolume(AgentEndpoint node, String name) {
    return volumes.getOrDefault(node.hostname(), new LinkedHashMap<>()).remove(name) != null;
  }
}
