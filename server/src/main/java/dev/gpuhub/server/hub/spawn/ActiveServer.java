package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.server.workload.AgentEndpoint;
import java.time.Instant;
import java.util.List;

/**
 * One of a user's servers (default or named) as the spawner tracks it: where it runs, its state and its progress. State
 * changes follow {@link ServerState}; reads return consistent {@link Snapshot}s. Thread-safe.
 */
public final class ActiveServer {
  /** An immutable view of a server. */
  public record Snapshot(String user, String server, String profile, String image, List<String> nodes,
                         String primaryHostname, String nodeIp, Integer agentPort, String containerId, int port,
                         String token, ServerState state, Instant startedAt, String failureReason) {
    public Snapshot {
      server = server == null ? "" : server;
    }

    /** Which of the user's servers this is. */
    public dev.gpuhub.core.hub.ServerId id() {
      return new dev.gpuhub.core.hub.ServerId(user, server);
    }

    /** {@code /user/<user>/} or {@code /user/<user>/<server>/}. */
    public String url() {
      return id().prefix();
    }

    /** The primary node's agent, or null before the server is placed. */
    public AgentEndpoint agent() {
      return agentPort == null ? null : new AgentEndpoint(primaryHostname, nodeIp, agentPort);
    }
  }

  private final ProgressLog progress = new ProgressLog();
  private Snapshot snapshot;
  private List<KernelHost> kernelHosts = List.of();
  private String gatewayToken;
  private List<Worker> workers = List.of();
  private Integer workerPort;

  /** A worker container of a worker-mode server on a secondary node (containerId null until started). */
  public record Worker(String hostname, String ip, int agentPort, String containerId) {
    public AgentEndpoint agent() {
      return new AgentEndpoint(hostname, ip, agentPort);
    }
  }

  private final StartCommand start;

  ActiveServer(Snapshot initial) {
    this(initial, null);
  }

  ActiveServer(Snapshot initial, StartCommand start) {
    this.snapshot = initial;
    this.start = start;
  }

  /** How the server's image starts (null only for servers made outside the spawner, in tests). */
  public StartCommand start() {
    return start;
  }

  public synchronized Snapshot snapshot() {
    return snapshot;
  }

  /** The kernel hosts of a multi-node server (empty for single-node servers), in node order. */
  public synchronized List<KernelHost> kernelHosts() {
    return kernelHosts;
  }

  /** The token the user's server presents to the hub's kernel gateway; null without kernel hosts. */
  public synchronized String gatewayToken() {
    return gatewayToken;
  }

  synchronized void gatewayToken(String token) {
    this.gatewayToken = token;
  }

  /** The worker containers of a worker-mode server (empty otherwise), in node order. */
  public synchronized List<Worker> workers() {
    return workers;
  }

  /** The port of the head on the primary node's address (worker mode only; null otherwise). */
  public synchronized Integer workerPort() {
    return workerPort;
  }

  synchronized void workerPort(int port) {
    this.workerPort = port;
  }

  synchronized void addWorker(Worker worker) {
    java.util.List<Worker> next = new java.util.ArrayList<>(workers);
    next.removeIf(w -> w.hostname().equals(worker.hostname()));
    next.add(worker);
    workers = List.copyOf(next);
  }

  synchronized void addKernelHost(KernelHost host) {
    java.util.List<KernelHost> next = new java.util.ArrayList<>(kernelHosts);
    next.removeIf(h -> h.hostname().equals(host.hostname()));
    next.add(host);
    kernelHosts = List.copyOf(next);
  }

  public ProgressLog progress() {
    return progress;
  }

  /** Moves to {@code next} if the lifecycle allows it; returns whether it did. */
  synchronized boolean transition(ServerState next, String reason) {
    if (!next.canFollow(snapshot.state())) return false;
    Snapshot s = snapshot;
    snapshot = new Snapshot(s.user(), s.server(), s.profile(), s.image(), s.nodes(), s.primaryHostname(), s.nodeIp(),
        s.agentPort(), s.containerId(), s.port(), s.token(), next, s.startedAt(), reason);
    return true;
  }

  synchronized void placed(List<String> nodes, String primary, String ip, Integer agentPort, int port) {
    Snapshot s = snapshot;
    snapshot = new Snapshot(s.user(), s.server(), s.profile(), s.image(), nodes, primary, ip, agentPort, s.containerId(), port,
        s.token(), s.state(), s.startedAt(), s.failureReason());
  }

  synchronized void started(String containerId) {
    Snapshot s = snapshot;
    snapshot = new Snapshot(s.user(), s.server(), s.profile(), s.image(), s.nodes(), s.primaryHostname(), s.nodeIp(),
        s.agentPort(), containerId, s.port(), s.token(), s.state(), s.startedAt(), s.failureReason());
  }

  /** Every container the server has or had started, by id or, before its id is known, by name. */
  public List<dev.gpuhub.server.workload.Workload.ContainerRef> containerRefs() {
    Snapshot s = snapshot();
    List<dev.gpuhub.server.workload.Workload.ContainerRef> out = new java.util.ArrayList<>();
    if (s.agent() != null) {
      out.add(new dev.gpuhub.server.workload.Workload.ContainerRef(s.agent(), s.containerId() != null ? s.containerId()
          : ServerContainers.name(s.id())));
    }
    for (KernelHost h : kernelHosts()) {
      out.add(new dev.gpuhub.server.workload.Workload.ContainerRef(h.agent(), h.containerId() != null ? h.containerId()
          : KernelHost.containerName(s.id(), h.hostname())));
    }
    for (Worker w : workers()) {
      out.add(new dev.gpuhub.server.workload.Workload.ContainerRef(w.agent(), w.containerId() != null ? w.containerId()
          : WorkerMode.containerName(s.id(), w.hostname())));
    }
    return out;
  }
}
