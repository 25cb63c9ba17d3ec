package dev.gpuhub.server.workload;

import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.server.hub.proxy.ProxyRoute;
import java.util.Optional;

/** Where a node's agent answers its node API: the node's address and the agent's API port. */
public record AgentEndpoint(String hostname, String ip, int port) {
  /** The endpoint of a reporting node, or empty when its agent runs without a node API. */
  public static Optional<AgentEndpoint> of(NodeReport node) {
    return node.agentPort() == null ? Optional.empty() : Optional.of(new AgentEndpoint(node.hostname(), node.ip(), node.agentPort()));
  }

  /**
   * The endpoint of a reporting node.
   *
   * @throws LaunchException when the node's agent runs without a node API
   */
  public static AgentEndpoint require(NodeReport node) {
    return of(node).orElseThrow(() -> new LaunchException("node " + node.hostname()
        + " has no node API (its agent runs without --api-port)"));
  }

  /** The base URL of the node API. */
  public String url() {
    return ProxyRoute.origin("http", ip, port);
  }
}
