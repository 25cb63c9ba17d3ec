package dev.gpuhub.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.gpuhub.runtime.ContainerStartException;
import dev.gpuhub.runtime.RuntimeUnavailableException;
import dev.gpuhub.runtime.WorkloadNetwork;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workload network on one daemon: made when the daemon lacks it, and the host's address on it.
 * Thread-safe.
 */
final class DockerWorkloadNetwork {
  private static final Logger LOG = LoggerFactory.getLogger(DockerWorkloadNetwork.class);

  private final WorkloadNetwork network;
  private final DockerClient client;
  private final DockerClient lifecycle;
  private final Supplier<String> daemon;
  private final Function<RuntimeException, RuntimeUnavailableException> unavailable;
  /** Set once the network is known to exist on the daemon. */
  private volatile boolean ready;

  /**
   * @param daemon      describes the daemon, for messages
   * @param unavailable turns a failed call into the runtime's "daemon not available" error
   */
  DockerWorkloadNetwork(WorkloadNetwork network, DockerClient client, DockerClient lifecycle, Supplier<String> daemon,
                        Function<RuntimeException, RuntimeUnavailableException> unavailable) {
    this.network = network;
    this.client = client;
    this.lifecycle = lifecycle;
    this.daemon = daemon;
    this.unavailable = unavailable;
  }

  /**
   * The host's address on the workload network (its gateway), creating the network when the daemon
   * lacks it: the one address on this host that the node's workloads reach without routing.
   *
   * @throws RuntimeUnavailableException when the daemon does not answer
   * @throws IllegalStateException when the network has no IPv4 gateway
   */
  String gateway() {
    ensure();
    try {
      var ipam = client.inspectNetworkCmd().withNetworkId(network.name()).exec().getIpam();
      return ipam.getConfig().stream().map(c -> c.getGateway()).filter(g -> g != null && g.indexOf('.') > 0)
          .findFirst().orElseThrow(() -> new IllegalStateException("workload network " + network.name()
              + " on " + daemon.get() + " has no IPv4 gateway"));
    } catch (NotFoundException e) {
      ready = false;
      throw new RuntimeUnavailableException("workload network " + network.name() + " vanished from " + daemon.get(), e);
    } catch (IllegalStateException e) {
      throw e;
    } catch (RuntimeException e) {
      throw unavailable.apply(e);
    }
  }

  /**
   * Creates the workload network when the daemon lacks it: a bridge with traffic between its
   * containers off ({@link DockerMapping#networkOptions()}). An existing network of that name is
   * used as it is, so an administrator may make it with other options.
   */
  void ensure() {
    if (ready) return;
    synchronized (this) {
      if (ready) return;
      try {
        client.inspectNetworkCmd().withNetworkId(network.name()).exec();
      } catch (NotFoundException missing) {
        try {
          lifecycle.createNetworkCmd().withName(network.name()).withDriver(DockerMapping.NETWORK_DRIVER)
              .withOptions(DockerMapping.networkOptions()).withLabels(DockerMapping.managedLabels()).exec();
          LOG.info("created workload network {} on {}", network.name(), daemon.get());
        } catch (ConflictException raced) {
          // made by another caller meanwhile: use it
        } catch (DockerException e) {
          throw new ContainerStartException(ContainerStartException.Reason.FAILED, "docker refused to create the "
              + "workload network '" + network.name() + "': " + DockerMapping.daemonMessage(e), e);
        } catch (RuntimeException e) {
          throw unavailable.apply(e);
        }
      } catch (RuntimeException e) {
        throw unavailable.apply(e);
      }
      ready = true;
    }
  }
}
