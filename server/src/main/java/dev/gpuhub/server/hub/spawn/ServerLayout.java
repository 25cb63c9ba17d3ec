package dev.gpuhub.server.hub.spawn;

import java.util.ArrayList;
import java.util.List;

/**
 * Which containers a user's server needs on which nodes: the one rule behind both the spawner and
 * the plan the options form shows. On one node: the Jupyter server, which runs the kernels. On
 * several nodes: the Jupyter server on the primary (first) node plus a kernel host on every node,
 * primary included; or, for a worker-mode profile, the head inside the primary's Jupyter container
 * and a worker on every other node.
 */
public final class ServerLayout {
  /** What runs on one node of a server. */
  public enum Part { SERVER, KERNELS, KERNEL_HOST, HEAD, WORKER }

  /** The parts on one node; the primary node comes first. */
  public record NodeParts(String hostname, boolean primary, List<Part> parts) {}

  private ServerLayout() {}

  /** The parts on each of {@code hostnames} (primary first). */
  public static List<NodeParts> of(List<String> hostnames, boolean workerMode) {
    List<NodeParts> out = new ArrayList<>(hostnames.size());
    boolean multi = hostnames.size() > 1;
    for (int i = 0; i < hostnames.size(); i++) {
      boolean primary = i == 0;
      List<Part> parts = new ArrayList<>();
      if (primary) parts.add(Part.SERVER);
      if (workerMode) parts.add(primary ? Part.HEAD : Part.WORKER);
      else parts.add(multi ? Part.KERNEL_HOST : Part.KERNELS);
      out.add(new NodeParts(hostnames.get(i), primary, List.copyOf(parts)));
    }
    return out;
  }

  /** Whether a server on {@code nodeCount} nodes runs kernel hosts (several nodes, not worker mode). */
  public static boolean usesKernelHosts(int nodeCount, boolean workerMode) {
    return nodeCount > 1 && !workerMode;
  }

  /** How the options form names a part on {@code hostname}. */
  public static String describe(Part part, String hostname) {
    return switch (part) {
      case SERVER -> "Jupyter UI";
      case KERNELS -> "kernels";
      case KERNEL_HOST -> "kernel host (Python 3 on " + hostname + ")";
      case HEAD -> "head";
      case WORKER -> "worker";
    };
  }
}
