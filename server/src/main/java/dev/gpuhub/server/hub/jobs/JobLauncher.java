package dev.gpuhub.server.hub.jobs;

import dev.gpuhub.core.allocation.Placement;
import dev.gpuhub.core.allocation.PlacementEngine;
import dev.gpuhub.core.allocation.Reservation;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.placement.NotEnoughNodesException;
import dev.gpuhub.server.workload.AgentEndpoint;
import dev.gpuhub.server.workload.Labels;
import dev.gpuhub.server.workload.PortClaims;
import dev.gpuhub.server.workload.LaunchException;
import dev.gpuhub.server.workload.Readiness;
import dev.gpuhub.server.workload.Workload;
import dev.gpuhub.server.workload.Homes;
import dev.gpuhub.server.workload.WorkloadLauncher;
import dev.gpuhub.store.JobReplica;
import dev.gpuhub.store.TrainingJobRecord;
import dev.gpuhub.wire.node.ContainerRequest;
import dev.gpuhub.wire.node.ContainerView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Starts and stops a job's replicas: reservations through the placement engine (one per replica,
 * see {@link JobPlacement}), then one container per replica started through the
 * {@link WorkloadLauncher}, which binds each reservation to its container. A start either runs
 * every replica or leaves nothing behind (no container, no reservation).
 */
final class JobLauncher {
  /** What every replica of one start gets besides its rank. */
  record Launch(List<String> hosts, String reportToken, int batchSize, int localBatchSize) {}

  private final JobsConfig config;
  private final WorkloadLauncher launcher;
  private final PlacementEngine engine;
  private final Supplier<List<NodeReport>> liveNodes;
  private final Supplier<String> hubUrl;
  private final PortClaims ports;
  private final Homes homes;
  /** The rendezvous port each started job holds, with the address it is held on. */
  private final Map<Long, Map.Entry<String, Integer>> rendezvous = new java.util.concurrent.ConcurrentHashMap<>();

  JobLauncher(JobsConfig config, WorkloadLauncher launcher, PortClaims ports, Supplier<List<NodeReport>> liveNodes,
              Supplier<String> hubUrl, Homes homes) {
    this.homes = homes;
    this.config = config;
    this.ports = ports;
    this.launcher = launcher;
    this.engine = launcher.engine();
    this.liveNodes = liveNodes;
    this.hubUrl = hubUrl;
  }

  /**
   * Reserves one GPU (and the replica's cores, memory and slot) for each replica on its host, by
   * rank; all or nothing.
   *
   * @throws LaunchException when a host has no room for its replica any more; nothing stays reserved then
   */
  List<JobReplica> reserve(TrainingJobRecord job, List<String> hosts) {
    releaseAll(job.id()); // a leftover of an interrupted start would clash by owner
    List<JobReplica> replicas = new ArrayList<>(hosts.size());
    try {
      for (int rank = 0; rank < hosts.size(); rank++) {
        String host = hosts.get(rank);
        Placement placed;
        try {
          placed = engine.placeBesideQueue(JobPlacement.request(job.id(), rank, host, config.replicaCpu(),
              config.replicaMemoryGb()));
        } catch (NotEnoughNodesException e) {
          throw new LaunchException("no room for replica " + rank + " on " + host + ": " + e.getMessage());
        }
        Reservation r = placed.primary();
        if (!r.hostname().equals(host)) {
          engine.release(r.owner());
          throw new LaunchException("no room for replica " + rank + " on " + host + " any more (a GPU was taken since the"
              + " round began)");
        }
        replicas.add(new JobReplica(rank, host, r.gpuUuids(), null));
      }
      return replicas;
    } catch (RuntimeException e) {
      releaseAll(job.id());
      throw e;
    }
  }

  /**
   * Starts one container per reserved replica through the launcher.
   *
   * @return the replicas with their container ids
   * @throws LaunchException when a node or agent fails; no container and no reservation of the job is left then
   */
  List<JobReplica> start(TrainingJobRecord job, List<JobReplica> replicas, Launch launch) {
    List<Workload.Unit> units = new ArrayList<>(replicas.size());
    Workload.Running running;
    try {
      NodeReport master = live(replicas.get(0).hostname());
      releaseRendezvous(job.id()); // a previous start's
      Rendezvous rendezvous = JobRendezvous.tunnelled(replicas.size())
          ? new Rendezvous(master.ip(), claimRendezvous(job.id(), master.ip()), JobRendezvous.files(job.id()))
          : null;
      for (JobReplica r : replicas) {
        NodeReport node = live(r.hostname());
        units.add(new Workload.Unit(JobPlacement.owner(job.id(), r.rank()), AgentEndpoint.require(node),
            spec(job, r, replicas, node, rendezvous, launch), Readiness.none(),
            "replica " + r.rank() + " on " + r.hostname()));
      }
      running = launcher.launch(new Workload("job " + job.id(), units, Duration.ZERO), Workload.Listener.NONE);
    } catch (LaunchException e) {
      releaseAll(job.id());
      releaseRendezvous(job.id());
      throw e;
    }
    List<JobReplica> started = new ArrayList<>(replicas.size());
    for (int i = 0; i < replicas.size(); i++) started.add(replicas.get(i).withContainer(running.started().get(i).containerId()));
    return started;
  }

  /**
   * Removes the replicas' containers (by id, or by name when never started) and releases every
   * reservation of the job. Nodes that cannot be reached are skipped: their containers are removed
   * as orphans once the node answers again.
   */
  void stop(long jobId, List<JobReplica> replicas) {
    Map<String, NodeReport> live = liveByHost();
    List<Workload.ContainerRef> refs = new ArrayList<>();
    for (JobReplica r : replicas) {
      NodeReport node = live.get(r.hostname());
      if (node == null || node.agentPort() == null) continue;
      refs.add(new Workload.ContainerRef(AgentEndpoint.require(node),
          r.containerId() != null ? r.containerId() : containerName(jobId, r.rank())));
    }
    launcher.stop(refs, owners(jobId));
    releaseRendezvous(jobId);
  }

  /**
   * Where a tunnelled start's replicas meet ({@link JobRendezvous}): rank 0's node address, the
   * public port published there, and the start's secret files.
   */
  private record Rendezvous(String masterIp, int publicPort, Map<String, String> files) {}

  /**
   * A public rendezvous port for the job's start on {@code ip}: drawn at random from the configured
   * range (not derived from the job id) among the ports no workload holds there (the caller gave a
   * previous start's port back).
   */
  private int claimRendezvous(long jobId, String ip) {
    int port = ports.claim(ip, config.masterPortBase(), config.masterPortMax());
    rendezvous.put(jobId, Map.entry(ip, port));
    return port;
  }

  private void releaseRendezvous(long jobId) {
    Map.Entry<String, Integer> held = rendezvous.remove(jobId);
    if (held != null) ports.release(held.getKey(), held.getValue());
  }

  /** Releases every reservation of the job; returns the owners released. */
  List<String> releaseAll(long jobId) {
    Set<String> owners = owners(jobId);
    for (String owner : owners) engine.release(owner);
    return List.copyOf(owners);
  }

  private Set<String> owners(long jobId) {
    Set<String> owners = new LinkedHashSet<>();
    for (Reservation r : engine.reservations()) {
      if (JobPlacement.jobIdOf(r.owner()).orElse(-1) == jobId) owners.add(r.owner());
    }
    return owners;
  }

  /** The container of a replica, as its agent describes it; empty when the agent does not know it. */
  Optional<ContainerView> inspect(NodeReport node, String containerId) {
    return launcher.agents().inspect(AgentEndpoint.require(node), containerId);
  }

  /** The last lines of a replica's output. */
  String logs(NodeReport node, String containerId) {
    return launcher.agents().logs(AgentEndpoint.require(node), containerId, 10);
  }

  /** Every job container on the node (running or not). */
  List<ContainerView> containers(NodeReport node) {
    return launcher.agents().list(AgentEndpoint.require(node), Labels.JOB);
  }

  void remove(NodeReport node, String containerId) {
    launcher.agents().remove(AgentEndpoint.require(node), containerId);
  }

  static String containerName(long jobId, int rank) {
    return "gpuhub-job-" + jobId + "-" + rank;
  }

  /** The URL a job reports to. */
  String reportUrl(long jobId) {
    String base = config.hubUrl() != null ? config.hubUrl() : hubUrl.get();
    return base + "/hub/api/jobs/" + jobId + "/report";
  }

  private ContainerRequest spec(TrainingJobRecord job, JobReplica r, List<JobReplica> all, NodeReport node,
                                Rendezvous rendezvous, Launch launch) {
    Map<String, String> env = new HashMap<>();
    env.put("GPUHUB_JOB_ID", Long.toString(job.id()));
    env.put("GPUHUB_USER", job.owner());
    env.put("GPUHUB_NODE", node.hostname());
    env.put("RANK", Integer.toString(r.rank()));
    env.put("LOCAL_RANK", Long.toString(all.stream().filter(o -> o.hostname().equals(r.hostname()) && o.rank() < r.rank()).count()));
    env.put("WORLD_SIZE", Integer.toString(all.size()));
    env.put("GPUHUB_NUM_NODES", Long.toString(all.stream().map(JobReplica::hostname).distinct().count()));
    env.put("MASTER_ADDR", JobRendezvous.LOCAL_ADDRESS);
    env.put("MASTER_PORT", Integer.toString(JobRendezvous.LOCAL_PORT));
    env.put("GPUHUB_REPORT_URL", reportUrl(job.id()));
    env.put("GPUHUB_REPORT_TOKEN", launch.reportToken());
    env.put("GPUHUB_BATCH_SIZE", Integer.toString(launch.batchSize()));
    env.put("GPUHUB_LOCAL_BATCH_SIZE", Integer.toString(launch.localBatchSize()));
    env.put("GPUHUB_INITIAL_BATCH_SIZE", Integer.toString(job.initialBatchSize()));
    env.put("GPUHUB_CHECKPOINT_DIR", checkpointDir(job.id()));
    env.put("GPUHUB_RESTARTS", Integer.toString(job.restarts()));
    Map<String, String> labels = Map.of(Labels.USER, job.owner(), Labels.KIND, Labels.KIND_JOB, Labels.JOB,
        Long.toString(job.id()), Labels.RESERVATION, JobPlacement.owner(job.id(), r.rank()));
    ContainerRequest request = new ContainerRequest(containerName(job.id(), r.rank()), job.image(),
        rendezvous == null ? job.command()
            : JobRendezvous.command(job.command(), r.rank(), rendezvous.masterIp(), rendezvous.publicPort()),
        env, labels, config.replicaCpu(), ContainerRequest.bytesOfGib(config.replicaMemoryGb()), r.gpuUuids(),
        rendezvous != null && r.rank() == 0 ? List.of(rendezvous.publicPort()) : List.of()) // rank 0's tunnel, for the others
        .withVolumes(homes.mountsFor(job.owner()));
    return rendezvous == null ? request : request.withFiles(rendezvous.files());
  }

  /**
   * Where a job's replicas keep checkpoints: in the owner's home ({@code .gpuhub/jobs/job-<id>}),
   * which outlives the replicas, or without homes under {@code GPUHUB_JOB_CHECKPOINT_ROOT}.
   */
  String checkpointDir(long jobId) {
    return homes.backend() == Homes.Backend.NONE ? config.checkpointDir(jobId)
        : homes.directory() + "/.gpuhub/jobs/job-" + jobId;
  }

  private NodeReport live(String hostname) {
    NodeReport n = liveByHost().get(hostname);
    if (n == null) throw new LaunchException("node " + hostname + " stopped reporting");
    if (n.agentPort() == null) throw new LaunchException("node " + hostname + " has no node API");
    return n;
  }

  private Map<String, NodeReport> liveByHost() {
    Map<String, NodeReport> out = new HashMap<>();
    for (NodeReport n : liveNodes.get()) out.put(n.hostname(), n);
    return out;
  }
}
