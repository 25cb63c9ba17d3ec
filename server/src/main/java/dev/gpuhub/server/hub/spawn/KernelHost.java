package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.server.hub.proxy.ProxyRoute;
import dev.gpuhub.server.workload.AgentEndpoint;

/**
 * One kernel host of a multi-node server: a Jupyter server container on a selected node, started
 * through that node's agent, that runs the kernels of the spec naming that node (issue 7).
 *
 * @param hostname    the node
 * @param ip          the node's address (the container uses host networking)
 * @param agentPort   the node's agent API port
 * @param containerId the container, null until started
 * @param port        where the kernel host listens on {@code ip}
 * @param token       the kernel host's own Jupyter token (never shown to anyone)
 * @param basePath    its base URL, {@code /user/<name>/kernelhost/<hostname>/}
 */
public record KernelHost(String hostname, String ip, int agentPort, String containerId, int port, String token,
                         String basePath) {
  public AgentEndpoint agent() {
    return new AgentEndpoint(hostname, ip, agentPort);
  }

  /** Jupyter's unauthenticated {@code api} on this host (answers once the host is up), over {@code scheme}. */
  public java.net.URI apiUrl(String scheme) {
    return java.net.URI.create(ProxyRoute.origin(scheme, ip, port) + basePath + "api");
  }

  /** The base path of a server's kernel host on {@code hostname}. */
  public static String basePathOf(dev.gpuhub.core.hub.ServerId id, String hostname) {
    return id.prefix() + "kernelhost/" + hostname + "/";
  }

  /** The container name of a server's kernel host on {@code hostname}. */
  public static String containerName(dev.gpuhub.core.hub.ServerId id, String hostname) {
    return ServerContainers.name(id) + "-kh-" + hostname;
  }

  /** The kernel spec name that selects this host, {@code python3-<hostname>}. */
  public static String specName(String hostname) {
    return "python3-" + hostname;
  }

  KernelHost withContainer(String id) {
    return new KernelHost(hostname, ip, agentPort, id, port, token, basePath);
  }
}
