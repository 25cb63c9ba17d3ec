package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.server.discovery.DiscoveryService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the hub's view and the nodes agree. After a restart: a server recorded as running whose
 * container still runs is adopted (route restored); one whose container or node is gone is
 * marked stopped. At any time: a gpuhub server container on a live node that no active server
 * owns is an orphan and is removed.
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  /** What a start-up reconciliation did. */
  public record Result(List<String> adopted, List<String> ended) {}

  private final Spawner spawner;
  private final ServerLedger ledger;
  private final DiscoveryService discovery;
  private final NodeAgentClient agents;

  public Reconciler(Spawner spawner, ServerLedger ledger, DiscoveryService discovery, NodeAgentClient agents) {
    this.spawner = spawner;
    this.ledger = ledger;
    this.discovery = discovery;
    this.agents = agents;
  }

  /** Adopts or ends every server the ledger says was running. */
  public Result adoptRecorded() {
    List<String> adopted = new ArrayList<>();
    List<String> ended = new ArrayList<>();
    for (ActiveServer.Snapshot s : ledger.runningServers()) {
      Optional<NodeAgentClient.Container> c = Optional.empty();
      String why;
      try {
        c = s.agentUrl() == null || s.containerId() == null ? Optional.empty() : agents.inspect(s.agentUrl(), s.containerId());
        why = c.isEmpty() ? "its container is gone" : "its container is " + c.get().state();
      } catch (NodeAgentClient.AgentCallException e) {
        why = "its node " + s.primaryHostname() + " is unreachable";
      }
      if (c.isPresent() && c.get().running()) {
        spawner.adopt(s);
        adopted.add(s.user());
      } else {
        ledger.ended(s.user(), ServerState.STOPPED, "not running after a hub restart: " + why);
        if (c.isPresent()) agents.remove(s.agentUrl(), s.containerId());
        ended.add(s.user());
      }
    }
    if (!adopted.isEmpty() || !ended.isEmpty()) {
      LOG.atInfo().addKeyValue("adopted", adopted).addKeyValue("ended", ended).log("reconciled servers after start");
    }
    return new Result(adopted, ended);
  }

  /** Removes server containers on live nodes that no active server owns; returns their names. */
  public List<String> removeOrphans() {
    List<String> removed = new ArrayList<>();
    Map<String, ActiveServer> servers = spawner.servers();
    for (NodeReport node : discovery.liveNodes()) {
      if (node.agentPort() == null) continue;
      String agentUrl = "http://" + (node.ip().contains(":") ? "[" + node.ip() + "]" : node.ip()) + ":" + node.agentPort();
      List<NodeAgentClient.Container> containers;
      try {
        containers = agents.list(agentUrl, Spawner.USER_LABEL);
      } catch (NodeAgentClient.AgentCallException e) {
        LOG.debug("cannot list containers on {}: {}", node.hostname(), e.getMessage());
        continue;
      }
      for (NodeAgentClient.Container c : containers) {
        String owner = c.labels().get(Spawner.USER_LABEL);
        ActiveServer server = owner == null ? null : servers.get(owner);
        boolean owned = server != null && server.snapshot().state().isActive()
            && (c.id().equals(server.snapshot().containerId()) || server.snapshot().containerId() == null);
        if (!owned) {
          agents.remove(agentUrl, c.id());
          removed.add(c.name());
        }
      }
    }
    if (!removed.isEmpty()) LOG.atInfo().addKeyValue("containers", removed).log("removed orphan server containers");
    return removed;
  }
}
