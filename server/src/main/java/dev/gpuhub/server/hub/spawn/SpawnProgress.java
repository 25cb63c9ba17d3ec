package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.server.workload.Workload;
import java.util.List;

/**
 * Follows the launch of a user's server: records each container id on the server as it starts (so
 * a stop during the start removes it) and tells the user each step.
 */
final class SpawnProgress implements Workload.Listener {
  private final ActiveServer server;

  SpawnProgress(ActiveServer server) {
    this.server = server;
  }

  @Override
  public void starting(Workload.Unit u) {
    List<String> gpus = u.container().gpuDeviceUuids();
    server.progress().append(ProgressEvent.step(isServer(u) ? 30 : 40, "Starting " + u.what()
        + (gpus.isEmpty() ? "" : " with GPU " + String.join(", ", gpus))));
  }

  @Override
  public void started(Workload.Started s) {
    dev.gpuhub.core.hub.ServerId id = server.snapshot().id();
    String host = s.unit().node().hostname();
    String name = s.unit().container().name();
    if (isServer(s.unit())) server.started(s.containerId());
    for (KernelHost h : server.kernelHosts()) {
      if (h.hostname().equals(host) && name.equals(KernelHost.containerName(id, host))) {
        server.addKernelHost(h.withContainer(s.containerId()));
      }
    }
    for (ActiveServer.Worker w : server.workers()) {
      if (w.hostname().equals(host) && name.equals(WorkerMode.containerName(id, host))) {
        server.addWorker(new ActiveServer.Worker(w.hostname(), w.ip(), w.agentPort(), s.containerId()));
      }
    }
  }

  @Override
  public void allStarted(List<Workload.Started> started) {
    server.progress().append(ProgressEvent.step(50, "Containers started on "
        + String.join(", ", server.snapshot().nodes()) + "; waiting for Jupyter to answer"));
  }

  private boolean isServer(Workload.Unit u) {
    return u.container().name().equals(ServerContainers.name(server.snapshot().id()));
  }
}
