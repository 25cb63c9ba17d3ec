package dev.gpuhub.server.hub.proxy;

import java.util.List;
import java.util.Optional;

/** Where the kernel hosts of each user's multi-node server answer (the hub's kernel gateway reads it). */
@FunctionalInterface
public interface KernelGateways {
  /** One kernel host: a Jupyter server on {@code ip:port} under {@code basePath}, with its own token. */
  record Host(String hostname, String ip, int port, String token, String basePath) {}

  /**
   * A user's gateway: the token the user's server presents, and its kernel hosts, primary first.
   */
  record Target(String gatewayToken, List<Host> hosts) {
    public Target {
      hosts = List.copyOf(hosts);
    }

    public Optional<Host> host(String hostname) {
      return hosts.stream().filter(h -> h.hostname().equals(hostname)).findFirst();
    }
  }

  /** The user's gateway while the user has an active multi-node server with kernel hosts. */
  Optional<Target> of(dev.gpuhub.core.hub.ServerId server);
}
