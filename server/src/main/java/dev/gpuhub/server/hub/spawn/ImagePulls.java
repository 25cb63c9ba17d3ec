package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.server.workload.AgentCallException;
import dev.gpuhub.server.workload.AgentClient;
import dev.gpuhub.server.workload.AgentEndpoint;
import dev.gpuhub.server.workload.LaunchException;
import dev.gpuhub.wire.NodeReportParser;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Brings a server's image to its nodes before its containers start: a node that reports its images
 * and lacks this one pulls it from the registry its reference names (the lab's own, e.g.
 * {@code registry.lab:5000/pytorch:2.1}), and the pending page shows how far each pull has come.
 * A reference that names no registry (Docker Hub's short names) is never pulled: such an image must
 * be on the node already. A node that does not report its images (it cannot tell) is trusted to
 * have it.
 */
final class ImagePulls {
  /** How often a pull's progress reaches the pending page. */
  static final Duration SHOW_EVERY = Duration.ofSeconds(1);

  private final AgentClient agents;
  private final Function<String, Optional<NodeReport>> liveNode;
  private final Function<String, AgentEndpoint> endpoint;

  ImagePulls(AgentClient agents, Function<String, Optional<NodeReport>> liveNode, Function<String, AgentEndpoint> endpoint) {
    this.agents = agents;
    this.liveNode = liveNode;
    this.endpoint = endpoint;
  }

  /**
   * Pulls the server's image onto each of {@code hostnames} that lacks it.
   *
   * @throws LaunchException naming the node and the registry's or Docker's reason when a pull fails,
   *     or when the server was stopped meanwhile
   */
  void ensure(ActiveServer server, List<String> hostnames) {
    String image = server.snapshot().image();
    for (String host : hostnames) {
      if (!namesRegistry(image) || !liveNode.apply(host).map(n -> lacks(n.images(), image)).orElse(false)) continue;
      server.progress().append(ProgressEvent.step(20, "Pulling image " + image + " onto " + host + ", which does not have it yet"));
      long[] shown = {System.nanoTime()};
      try {
        agents.pullImage(endpoint.apply(host), image, p -> {
          if (server.snapshot().state() != ServerState.PENDING) {
            throw new LaunchException("the server was stopped while its image was being pulled");
          }
          long now = System.nanoTime();
          if (now - shown[0] >= SHOW_EVERY.toNanos()) {
            shown[0] = now;
            server.progress().append(ProgressEvent.step(22, "Pulling image " + image + " onto " + host + ": " + p.describe()));
          }
        });
      } catch (AgentCallException e) {
        throw new LaunchException(e.getMessage());
      }
      server.progress().append(ProgressEvent.step(25, "Pulled image " + image + " onto " + host));
    }
  }

  /** Whether a node's image list lacks {@code image}; never when it reported no list or a full one (it cannot tell). */
  static boolean lacks(List<String> images, String image) {
    if (images == null || images.size() >= NodeReportParser.MAX_IMAGES) return false;
    return !images.contains(withTag(image));
  }

  /** Whether the reference names its registry: a first part with a '.' or a ':' (a host and port), or {@code localhost}. */
  static boolean namesRegistry(String image) {
    int slash = image.indexOf('/');
    if (slash < 0) return false;
    String first = image.substring(0, slash);
    return first.contains(".") || first.contains(":") || first.equals("localhost");
  }

  /** The reference as Docker lists it: {@code :latest} added when it names no tag or digest. */
  static String withTag(String image) {
    if (image.contains("@")) return image;
    return image.lastIndexOf(':') > image.lastIndexOf('/') ? image : image + ":latest";
  }
}
