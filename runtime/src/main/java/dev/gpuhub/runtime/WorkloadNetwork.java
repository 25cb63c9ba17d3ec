package dev.gpuhub.runtime;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where a node's workloads live on the network: every workload container gets its own network
 * namespace on one bridge network of the node's runtime ({@code name}), with traffic between
 * containers on that bridge turned off, and never the host's network stack. What a workload
 * listens on is reachable from outside only through the ports it publishes, which listen on the
 * node's address ({@code publishAddress}) under the same numbers. So nothing in a container sees
 * the host's loopback (the agent's node API, the control plane's internal ports, PostgreSQL or
 * Redis bound there) or other containers' traffic.
 *
 * @param name           the runtime's network workloads join; created by the runtime when missing
 * @param publishAddress the host address published ports listen on: the node's reported address
 */
public record WorkloadNetwork(String name, String publishAddress) {
  /** Environment variable naming the network. */
  public static final String NAME_ENV = "GPUHUB_WORKLOAD_NETWORK";
  /** The network's name unless {@value #NAME_ENV} says otherwise. */
  public static final String DEFAULT_NAME = "gpuhub-workloads";
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
  private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f.:]+");
  /** Names that would put workloads on the host's stack or on no network. */
  private static final java.util.Set<String> RESERVED = java.util.Set.of("host", "none", "default", "bridge");

  public WorkloadNetwork {
    if (name == null || !NAME.matcher(name).matches() || RESERVED.contains(name)) {
      throw new IllegalArgumentException(NAME_ENV + " '" + name + "' is not a network gpuhub may create: use letters, "
          + "digits, '_', '.' or '-' (not host, none, default or bridge)");
    }
    if (publishAddress == null || !ADDRESS.matcher(publishAddress).matches()) {
      throw new IllegalArgumentException("publish address '" + publishAddress + "' is not an IP address");
    }
  }

  /** The network {@code env} names ({@value #NAME_ENV}, else {@value #DEFAULT_NAME}), publishing on {@code address}. */
  public static WorkloadNetwork fromEnv(Map<String, String> env, String address) {
    String name = env.get(NAME_ENV);
    return new WorkloadNetwork(name == null || name.isBlank() ? DEFAULT_NAME : name.strip(), address);
  }
}
