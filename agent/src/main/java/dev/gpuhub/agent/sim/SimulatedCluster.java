package dev.gpuhub.agent.sim;

import dev.gpuhub.agent.AgentConfig;
import dev.gpuhub.agent.AgentDaemon;
import dev.gpuhub.agent.api.NodeApiServer;
import dev.gpuhub.agent.heartbeat.HeartbeatClient;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.runtime.fake.SimulatedContainerRuntime;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N simulated agents in this JVM, for tests and benchmarks of placement and spawning: each has the
 * real heartbeat loop and node API (same token auth) over a {@link SimulatedContainerRuntime} and
 * {@link SimulatedNodeReports} of one {@link SimulatedNodeSpec}, so hundreds of spawns cost
 * next to nothing.
 *
 * <p>Nodes are named {@code sim-01} .. {@code sim-NN} (more digits beyond 99 nodes), report address
 * {@value #LOOPBACK} and serve their node API on an ephemeral port of it. Heartbeats go to
 * {@code discoveryUrl}; the first one of each node is sent at start.
 *
 * <p><b>Ports.</b> All nodes at {@value #LOOPBACK} share one port space, so two servers the hub
 * places on different nodes with the same port clash: the second start fails (its stand-in cannot
 * bind). Where that matters (bursts of hundreds of spawns over a narrow port range), start with
 * {@code distinctLoopbackIps}: node k then reports and listens on its own loopback address
 * {@code 127.1.x.y} ({@link #loopbackIp(int)}), which Linux routes without configuration (macOS does
 * not).
 */
public final class SimulatedCluster implements AutoCloseable {
  /** The address every node reports unless distinct loopback addresses are asked for. */
  public static final String LOOPBACK = "127.0.0.1";
  /** Most nodes one cluster may have. */
  public static final int MAX_NODES = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(SimulatedCluster.class);

  private final SimulatedNodeSpec spec;
  private final Map<String, Node> nodes;

  private record Node(String hostname, String ip, SimulatedContainerRuntime runtime, SimulatedNodeReports reports,
      AgentDaemon agent, int apiPort) {}

  private SimulatedCluster(SimulatedNodeSpec spec, Map<String, Node> nodes) {
    this.spec = spec;
    this.nodes = nodes;
  }

  /** {@code nodes} simulated agents of {@code spec} at {@value #LOOPBACK}, heartbeating to {@code discoveryUrl}. */
  public static SimulatedCluster start(String discoveryUrl, String agentToken, int nodes, SimulatedNodeSpec spec,
      Duration heartbeatInterval) {
    return start(discoveryUrl, agentToken, nodes, spec, heartbeatInterval, false);
  }

  /**
   * {@code nodes} simulated agents of {@code spec}, started one after another.
   *
   * @param discoveryUrl        the discovery service, e.g. {@code http://127.0.0.1:15002}
   * @param agentToken          the shared agent token, as the server has it
   * @param heartbeatInterval   time between heartbeats of each node (any positive duration)
   * @param distinctLoopbackIps each node on its own loopback address ({@link #loopbackIp(int)}) instead
   *                            of all on {@value #LOOPBACK}
   * @throws IllegalArgumentException for a bad URL, token, node count or interval
   * @throws IllegalStateException when a node API cannot listen (nodes already started are closed)
   */
  public static SimulatedCluster start(String discoveryUrl, String agentToken, int nodes, SimulatedNodeSpec spec,
      Duration heartbeatInterval, boolean distinctLoopbackIps) {
    AgentConfig checked = AgentConfig.of(discoveryUrl, agentToken); // validates URL and token as the real agent does
    URI server = checked.server();
    String token = checked.token();
    Objects.requireNonNull(spec, "spec");
    if (nodes < 1 || nodes > MAX_NODES) throw new IllegalArgumentException("nodes must be 1 to " + MAX_NODES + ", was " + nodes);
    if (heartbeatInterval == null || heartbeatInterval.isZero() || heartbeatInterval.isNegative()) {
      throw new IllegalArgumentException("heartbeatInterval must be positive, was " + heartbeatInterval);
    }
    int digits = Math.max(2, Integer.toString(nodes).length());
    Map<String, Node> started = new LinkedHashMap<>();
    try {
      for (int k = 1; k <= nodes; k++) {
        String hostname = String.format("sim-%0" + digits + "d", k);
        String ip = distinctLoopbackIps ? loopbackIp(k) : LOOPBACK;
        SimulatedContainerRuntime runtime = new SimulatedContainerRuntime(ip);
        SimulatedNodeReports reports = new SimulatedNodeReports(hostname, ip, spec, runtime, Clock.systemUTC());
        NodeApiServer api = new NodeApiServer(runtime, token, ip, 0);
        // The cluster owns the runtime: stopAgent() leaves the node's containers (and stand-ins) in place.
        AgentDaemon agent = new AgentDaemon(reports, new HeartbeatClient(server, token), heartbeatInterval,
            AgentDaemon.INITIAL_BACKOFF, api, null).joining(server, token, hostname, ip, null);
        try {
          agent.start();
        } catch (RuntimeException e) {
          runtime.close();
          throw e;
        }
        started.put(hostname, new Node(hostname, ip, runtime, reports, agent, agent.apiPort().orElseThrow()));
      }
    } catch (RuntimeException e) {
      new SimulatedCluster(spec, started).close();
      throw e;
    }
    LOG.info("SIMULATED cluster: {} nodes ({}) of {} heartbeating to {} every {} ms; containers are recorded, not run",
        nodes, distinctLoopbackIps ? "own loopback addresses" : LOOPBACK, spec, server, heartbeatInterval.toMillis());
    return new SimulatedCluster(spec, started);
  }

  /**
   * The address of node {@code k} (1-based) with distinct loopback addresses: {@code 127.1.q.r+1}
   * where {@code k-1 = 250q + r}, so node 1 is 127.1.0.1 and node 251 is 127.1.1.1.
   */
  public static String loopbackIp(int k) {
    if (k < 1 || k > MAX_NODES) throw new IllegalArgumentException("node number must be 1 to " + MAX_NODES + ", was " + k);
    return "127.1." + (k - 1) / 250 + "." + ((k - 1) % 250 + 1);
  }

  /** The nodes' host names in order: sim-01, sim-02, ... */
  public List<String> hostnames() {
    return List.copyOf(nodes.keySet());
  }

  /** The spec every node reports. */
  public SimulatedNodeSpec spec() {
    return spec;
  }

  /** The address the node reports (where its node API and stand-in servers listen). */
  public String ip(String hostname) {
    return node(hostname).ip();
  }

  /** The port of the node's API (it keeps it after {@link #stopAgent}, when nothing listens there any more). */
  public int apiPort(String hostname) {
    return node(hostname).apiPort();
  }

  /** The base URL of the node's API, e.g. {@code http://127.0.0.1:41234}. */
  public URI apiUrl(String hostname) {
    Node n = node(hostname);
    return URI.create("http://" + n.ip() + ":" + n.apiPort());
  }

  /** The node's runtime, to inspect or drive its containers directly. */
  public SimulatedContainerRuntime runtime(String hostname) {
    return node(hostname).runtime();
  }

  /** The node's agent (heartbeat counters, last result). */
  public AgentDaemon agent(String hostname) {
    return node(hostname).agent();
  }

  /** What the node would report now (without agent_port). */
  public NodeReport report(String hostname) {
    return node(hostname).reports().get();
  }

  /** The specs (name, image, env, labels, limits, GPUs) of the containers running on the node, in start order. */
  public List<ContainerSpec> runningContainers(String hostname) {
    return node(hostname).runtime().runningSpecs();
  }

  /** Running containers per node, in node order. */
  public Map<String, Integer> runningCounts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    nodes.forEach((h, n) -> counts.put(h, n.runtime().runningSpecs().size()));
    return counts;
  }

  /** Running containers on all nodes. */
  public int totalRunningContainers() {
    return runningCounts().values().stream().mapToInt(Integer::intValue).sum();
  }

  /**
   * Stops the node's agent: no more heartbeats, its node API closes. Its containers stay as they
   * are (stand-in servers keep answering), as when a real agent process dies; {@link #close()}
   * ends them. Idempotent.
   */
  public void stopAgent(String hostname) {
    node(hostname).agent().close();
  }

  /** Stops every agent and every stand-in server; idempotent. */
  @Override
  public void close() {
    List<Node> all = new ArrayList<>(nodes.values());
    for (Node n : all) {
      try {
        n.agent().close();
      } finally {
        n.runtime().close();
      }
    }
  }

  private Node node(String hostname) {
    Node n = nodes.get(hostname);
    if (n == null) {
      throw new IllegalArgumentException("no simulated node '" + hostname + "'; the nodes are " + String.join(", ", nodes.keySet()));
    }
    return n;
  }
}
