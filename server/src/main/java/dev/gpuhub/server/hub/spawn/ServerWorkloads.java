package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.allocation.Placement;
import dev.gpuhub.core.allocation.Reservation;
import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.server.hub.proxy.ProxyRoute;
import dev.gpuhub.server.workload.AgentEndpoint;
import dev.gpuhub.server.workload.LaunchException;
import dev.gpuhub.server.workload.Readiness;
import dev.gpuhub.server.workload.Workload;
import dev.gpuhub.server.workload.WorkloadTls;
import dev.gpuhub.wire.node.ContainerRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * What a placed server starts: its Jupyter server on the primary node, and kernel hosts or workers
 * on the others ({@link ServerLayout}), each with its readiness check, ports claimed and recorded
 * on the {@link ActiveServer} before anything starts (so a failure releases them), with the
 * user's home, or a scratch home, and the declared shared data mounted.
 */
final class ServerWorkloads {
  private final SpawnerConfig config;
  private final ServerContainers containers;
  private final WorkloadTls tls;
  private final Function<StartCommand, WorkloadTls> serverTls;
  private final SharedData sharedData;
  private final Supplier<String> hubUrl;
  private final Function<String, AgentEndpoint> endpoint;
  private final ToIntFunction<String> claimPort;

  /**
   * @param tls       how the hub speaks to kernel hosts
   * @param serverTls how the hub speaks to a server that starts with a given command
   * @param hubUrl    where multi-node servers reach the hub's kernel gateway (null while unknown)
   * @param endpoint  the agent of a live node, by host name
   * @param claimPort a free server port on a node address
   */
  ServerWorkloads(SpawnerConfig config, ServerContainers containers, WorkloadTls tls,
                  Function<StartCommand, WorkloadTls> serverTls, SharedData sharedData, Supplier<String> hubUrl,
                  Function<String, AgentEndpoint> endpoint, ToIntFunction<String> claimPort) {
    this.config = config;
    this.containers = containers;
    this.tls = tls;
    this.serverTls = serverTls;
    this.sharedData = sharedData;
    this.hubUrl = hubUrl;
    this.endpoint = endpoint;
    this.claimPort = claimPort;
  }

  /** The server's containers on its placed nodes, their ports claimed; see {@link ServerLayout}. */
  Workload layOut(ActiveServer server, Profile profile, Placement placed, boolean scratchHome) {
    dev.gpuhub.core.hub.ServerId id = server.snapshot().id();
    String owner = Spawner.owner(id);
    WorkerMode workerMode = config.workerModes().get(profile.name());
    AgentEndpoint primary = endpoint.apply(placed.primary().hostname());
    server.placed(placed.hostnames(), primary.hostname(), primary.ip(), primary.port(), claimPort.applyAsInt(primary.ip()));
    boolean kernelHosts = ServerLayout.usesKernelHosts(placed.hostnames().size(), workerMode != null);
    String gatewayUrl = null;
    if (kernelHosts) {
      gatewayUrl = hubUrl.get();
      if (gatewayUrl == null) throw new LaunchException("the hub's URL is unknown; multi-node servers need the kernel gateway");
      server.gatewayToken(ServerContainers.gatewayToken(server.snapshot().token()));
    }
    String apiUrl = null;
    StartCommand start = server.start();
    WorkloadTls primaryTls = serverTls.apply(start);
    if (start.singleUser()) {
      apiUrl = hubUrl.get();
      if (apiUrl == null) throw new LaunchException("the hub's URL is unknown; jupyterhub-singleuser needs the hub's API");
    }
    if (workerMode != null) server.workerPort(claimPort.applyAsInt(primary.ip()));
    ActiveServer.Snapshot s = server.snapshot();
    List<Workload.Unit> units = new ArrayList<>();
    units.add(new Workload.Unit(owner, primary, containers.server(s, start, primaryTls, profile, placed.primary().gpuUuids(),
        apiUrl, gatewayUrl, server.gatewayToken(), workerMode, server.workerPort()),
        Readiness.jupyter(URI.create(ProxyRoute.origin(primaryTls.httpScheme(), s.nodeIp(), s.port()) + s.url() + "api")),
        "the server on " + primary.hostname()));
    for (Reservation r : placed.reservations()) {
      AgentEndpoint node = endpoint.apply(r.hostname());
      if (kernelHosts) {
        KernelHost host = new KernelHost(node.hostname(), node.ip(), node.port(), null, claimPort.applyAsInt(node.ip()),
            ServerContainers.kernelHostToken(s.token(), node.hostname()), KernelHost.basePathOf(id, node.hostname()));
        server.addKernelHost(host); // before the start, so a failure releases its port and removes it by name
        units.add(new Workload.Unit(owner, node, containers.kernelHost(s, profile, host, r.gpuUuids()),
            Readiness.jupyter(host.apiUrl(tls.httpScheme())), "the kernel host on " + node.hostname()));
      } else if (workerMode != null && !r.hostname().equals(primary.hostname())) {
        server.addWorker(new ActiveServer.Worker(node.hostname(), node.ip(), node.port(), null));
        units.add(new Workload.Unit(owner, node, containers.worker(s, profile, workerMode, node.hostname(),
            server.workerPort(), r.gpuUuids()), Readiness.stillRunning(), "the worker on " + node.hostname()));
      }
    }
    List<ContainerRequest.Volume> data = sharedData.volumesFor(server, profile);
    if (scratchHome || !data.isEmpty()) { // a scratch home is the container's own layer: nothing of the home is mounted
      units = units.stream().map(u -> {
        List<ContainerRequest.Volume> volumes = new ArrayList<>(scratchHome ? List.of() : u.container().volumes());
        volumes.addAll(data);
        return new Workload.Unit(u.owner(), u.node(), u.container().withVolumes(volumes), u.readiness(), u.what());
      }).toList();
    }
    return new Workload(id.describe(), units, config.startTimeout());
  }
}
