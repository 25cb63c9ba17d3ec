package dev.gpuhub.server.hub;

import dev.gpuhub.server.discovery.DiscoveryService;
import dev.gpuhub.server.hub.spawn.ActiveServer;
import dev.gpuhub.server.hub.spawn.Spawner;
import dev.gpuhub.server.workload.AgentCallException;
import dev.gpuhub.server.workload.AgentClient;
import dev.gpuhub.server.workload.AgentEndpoint;
import dev.gpuhub.server.workload.Labels;
import dev.gpuhub.wire.node.ContainerView;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What revoking a node does to what runs there. The node leaves placement at once (services and
 * jobs see it lost at their next round and re-place their replicas elsewhere); every user server
 * with a container there is stopped (route, containers on every node, reservations, record); then
 * the node is asked to remove whatever gpuhub container is left on it (job and service replicas).
 * A node that does not answer keeps its containers, but nothing routes to them any more and its
 * reports are refused. Users' files are not touched: removing a container never removes a volume.
 */
public final class NodeDrain {
  private static final Logger LOG = LoggerFactory.getLogger(NodeDrain.class);

  /**
   * @param servers    user servers stopped
   * @param containers containers the node removed when asked
   * @param answered   whether the node's agent answered
   */
  public record Result(int servers, int containers, boolean answered) {}

  private final Spawner spawner;
  private final AgentClient agents;
  private final DiscoveryService discovery;

  NodeDrain(Spawner spawner, AgentClient agents, DiscoveryService discovery) {
    this.spawner = spawner;
    this.agents = agents;
    this.discovery = discovery;
  }

  /** Drains {@code hostname}; never throws for a node that cannot be reached. */
  public Result drain(String hostname) {
    Optional<AgentEndpoint> agent = discovery.liveNodes().stream().filter(n -> n.hostname().equals(hostname))
        .findFirst().flatMap(AgentEndpoint::of);
    discovery.exclude(hostname);
    String reason = "node " + hostname + " was revoked by an administrator";
    int servers = 0;
    for (ActiveServer s : spawner.servers().values()) {
      ActiveServer.Snapshot snap = s.snapshot();
      boolean there = hostname.equals(snap.primaryHostname()) || (snap.nodes() != null && snap.nodes().contains(hostname));
      if (there && snap.state().isActive() && spawner.stop(snap.id(), reason)) servers++;
    }
    int removed = 0;
    boolean answered = false;
    if (agent.isPresent()) {
      try {
        for (ContainerView c : agents.list(agent.get(), Labels.KIND)) {
          agents.remove(agent.get(), c.id());
          removed++;
        }
        answered = true;
      } catch (AgentCallException e) {
        LOG.atWarn().addKeyValue("node", hostname).log("the revoked node did not remove its containers: {}", e.getMessage());
      }
    }
    LOG.atInfo().addKeyValue("node", hostname).addKeyValue("servers_stopped", servers)
        .addKeyValue("containers_removed", removed).log("revoked node drained");
    return new Result(servers, removed, answered);
  }
}
