package dev.gpuhub.server.services;

import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.service.ServiceSpec;
import dev.gpuhub.server.hub.proxy.ProxyRoute;
import dev.gpuhub.server.workload.AgentEndpoint;
import dev.gpuhub.server.workload.Labels;
import dev.gpuhub.server.workload.Readiness;
import dev.gpuhub.server.workload.Workload;
import dev.gpuhub.wire.node.ContainerRequest;
import dev.gpuhub.wire.node.ContainerView;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * What a service replica's container is started with, when it counts as ready, and how a replica
 * is read back from its container's labels after a restart. Pure: no I/O.
 */
final class ServiceReplicaSpecs {
  private ServiceReplicaSpecs() {}

  /** The launch unit of replica {@code index}: ready once {@code /svc/<name>/} answers HTTP. */
  static Workload.Unit unit(String service, int index, AgentEndpoint node, int port, ContainerRequest request) {
    URI ready = URI.create(ProxyRoute.origin("http", node.ip(), port) + "/svc/" + service + "/");
    return new Workload.Unit(ServiceReplica.owner(service, index), node, request, Readiness.http(ready),
        "replica " + index + " of service " + service + " on " + node.hostname());
  }

  static ContainerRequest request(ServiceSpec spec, int index, String hostname, int port) {
    Map<String, String> env = Map.of("GPUHUB_PORT", Integer.toString(port), "GPUHUB_SERVICE", spec.name(),
        "GPUHUB_NODE", hostname, "GPUHUB_BASE_URL", "/svc/" + spec.name() + "/");
    Map<String, String> labels = Map.of(Labels.KIND, Labels.KIND_SERVICE, Labels.SERVICE, spec.name(),
        Labels.REPLICA, Integer.toString(index), Labels.PORT, Integer.toString(port),
        Labels.RESERVATION, ServiceReplica.owner(spec.name(), index));
    List<String> command = spec.command().stream().map(a -> a.replace("{port}", Integer.toString(port))).toList();
    return new ContainerRequest("gpuhub-svc-" + spec.name() + "-" + index, spec.image(), command, env, labels,
        spec.cpuMillicores() / 1000.0, ContainerRequest.bytesOfMib(spec.memoryMb()), List.of(), List.of(port));
  }

  /** The replica a service container's labels describe, or null when they are incomplete. */
  static ServiceReplica replicaOf(ContainerView c, NodeReport node) {
    try {
      return new ServiceReplica(java.util.Objects.requireNonNull(c.label(Labels.SERVICE)),
          Integer.parseInt(c.label(Labels.REPLICA)), node.hostname(), node.ip(), Integer.parseInt(c.label(Labels.PORT)),
          c.id());
    } catch (RuntimeException incomplete) {
      return null;
    }
  }
}
