package dev.gpuhub.server.hub.jobs;

import dev.gpuhub.core.allocation.Placement;
import dev.gpuhub.core.allocation.PlacementEngine;
import dev.gpuhub.core.allocation.Reservation;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.placement.NotEnoughNodesException;
import dev.gpuhub.server.hub.proxy.ProxyRoute;
import dev.gpuhub.server.hub.spawn.NodeAgentClient;
import dev.gpuhub.server.hub.spawn.Spawner;
import dev.gpuhub.store.JobReplica;
import dev.gpuhub.store.TrainingJobRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops a job's replicas: reservations through the placement engine (one per replica,
 * see {@link JobPlacement}), one container per replica through its node's agent, each reservation
 * bound to its container. A start either runs every replica or leaves nothing behind.
 */
final class JobLauncher {
  /** Label carrying the job id on every replica container. */
  static final String JOB_LABEL = "gpuhub.job";
  private static final Logger LOG = LoggerFactory.getLogger(JobLauncher.class);

  /** What every replica of one start gets besides its rank. */
  record Launch(List<String> hosts, String reportToken, int batchSize, int localBatchSize) {}

  /** A start that could not complete; nothing of it is left. */
  static final class LaunchException extends RuntimeException {
    LaunchException(String message) {
      super(message);
    }
  }

  private final JobsConfig config;
  private final PlacementEngine engine;
  private final NodeAgentClient agents;
  private final Supplier<List<NodeReport>> liveNodes;
  private final Supplier<String> hubUrl;

  JobLauncher(JobsConfig config, PlacementEngine engine, NodeAgentClient agents, Supplier<List<NodeReport>> liveNodes,
              Supplier<String> hubUrl) {
    this.config = config;
    this.engine = engine;
    this.agents = agents;
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
          placed = engine.placeNow(JobPlacement.request(job.id(), rank, host, config.replicaCpu(), config.replicaMemoryGb()));
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
   * Starts one container per reserved replica and binds its reservation to it.
   *
   * @return the replicas with their container ids
   * @throws LaunchException when a node or agent fails; containers started and reservations are gone then
   */
  List<JobReplica> start(TrainingJobRecord job, List<JobReplica> replicas, Launch launch) {
    List<JobReplica> started = new ArrayList<>(replicas.size());
    try {
      NodeReport master = live(replicas.get(0).hostname());
      for (JobReplica r : replicas) {
        NodeReport node = live(r.hostname());
        String agentUrl = agentUrl(node);
        agents.remove(agentUrl, containerName(job.id(), r.rank())); // a leftover would clash by name
        String id = agents.start(agentUrl, spec(job, r, replicas, node, master, launch));
        started.add(r.withContainer(id));
        if (engine.bind(JobPlacement.owner(job.id(), r.rank()), Map.of(r.hostname(), id)).isEmpty()) {
          throw new LaunchException("the reservation of replica " + r.rank() + " lapsed before its container started");
        }
      }
      return started;
    } catch (RuntimeException e) {
      List<JobReplica> cleanup = new ArrayList<>(started);
      for (int i = started.size(); i < replicas.size(); i++) cleanup.add(replicas.get(i));
      stop(job.id(), cleanup);
      if (e instanceof LaunchException) throw e;
      throw new LaunchException("could not start the replicas: " + e.getMessage());
    }
  }

  /**
   * Removes the replicas' containers (by id, or by name when never started) and releases every
   * reservation of the job. Nodes that cannot be reached are logged and skipped: their
   * containers are removed as orphans once the node answers again.
   */
  void stop(long jobId, List<JobReplica> replicas) {
    Map<String, NodeReport> live = liveByHost();
    for (JobReplica r : replicas) {
      NodeReport node = live.get(r.hostname());
      if (node == null || node.agentPort() == null) continue;
      try {
        agents.remove(agentUrl(node), r.containerId() != null ? r.containerId() : containerName(jobId, r.rank()));
      } catch (NodeAgentClient.AgentCallException e) {
        LOG.atWarn().addKeyValue("job", jobId).addKeyValue("node", r.hostname()).log("could not remove a replica: {}",
            e.getMessage());
      }
    }
    releaseAll(jobId);
  }

  /** Releases every reservation of the job; returns the owners released. */
  List<String> releaseAll(long jobId) {
    Set<String> owners = new LinkedHashSet<>();
    for (Reservation r : engine.reservations()) {
      if (JobPlacement.jobIdOf(r.owner()).orElse(-1) == jobId) owners.add(r.owner());
    }
    for (String owner : owners) engine.release(owner);
    return List.copyOf(owners);
  }

  /** The container of a replica, as its agent describes it; empty when the agent does not know it. */
  Optional<NodeAgentClient.Container> inspect(NodeReport node, String containerId) {
    return agents.inspect(agentUrl(node), containerId);
  }

  /** The last lines of a replica's output. */
  String logs(NodeReport node, String containerId) {
    return agents.logs(agentUrl(node), containerId, 10);
  }

  /** Every job container on the node (running or not). */
  List<NodeAgentClient.Container> containers(NodeReport node) {
    return agents.list(agentUrl(node), JOB_LABEL);
  }

  void remove(NodeReport node, String containerId) {
    agents.remove(agentUrl(node), containerId);
  }

  static String containerName(long jobId, int rank) {
    return "gpuhub-job-" + jobId + "-" + rank;
  }

  /** The URL a job reports to. */
  String reportUrl(long jobId) {
    String base = config.hubUrl() != null ? config.hubUrl() : hubUrl.get();
    return base + "/hub/api/jobs/" + jobId + "/report";
  }

  private NodeAgentClient.Spec spec(TrainingJobRecord job, JobReplica r, List<JobReplica> all, NodeReport node,
                                    NodeReport master, Launch launch) {
    Map<String, String> env = new HashMap<>();
    env.put("GPUHUB_JOB_ID", Long.toString(job.id()));
    env.put("GPUHUB_USER", job.owner());
    env.put("GPUHUB_NODE", node.hostname());
    env.put("RANK", Integer.toString(r.rank()));
    env.put("LOCAL_RANK", Long.toString(all.stream().filter(o -> o.hostname().equals(r.hostname()) && o.rank() < r.rank()).count()));
    env.put("WORLD_SIZE", Integer.toString(all.size()));
    env.put("GPUHUB_NUM_NODES", Long.toString(all.stream().map(JobReplica::hostname).distinct().count()));
    env.put("MASTER_ADDR", master.ip());
    env.put("MASTER_PORT", Integer.toString(config.masterPort(job.id())));
    env.put("GPUHUB_REPORT_URL", reportUrl(job.id()));
    env.put("GPUHUB_REPORT_TOKEN", launch.reportToken());
    env.put("GPUHUB_BATCH_SIZE", Integer.toString(launch.batchSize()));
    env.put("GPUHUB_LOCAL_BATCH_SIZE", Integer.toString(launch.localBatchSize()));
    env.put("GPUHUB_INITIAL_BATCH_SIZE", Integer.toString(job.initialBatchSize()));
    env.put("GPUHUB_CHECKPOINT_DIR", config.checkpointDir(job.id()));
    env.put("GPUHUB_RESTARTS", Integer.toString(job.restarts()));
    Map<String, String> labels = Map.of(Spawner.USER_LABEL, job.owner(), JOB_LABEL, Long.toString(job.id()),
        "gpuhub.reservation", JobPlacement.owner(job.id(), r.rank()));
    return new NodeAgentClient.Spec(containerName(job.id(), r.rank()), job.image(), job.command(), env, labels,
        config.replicaCpu(), (long) (config.replicaMemoryGb() * (1L << 30)), r.gpuUuids());
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

  static String agentUrl(NodeReport node) {
    return ProxyRoute.origin("http", node.ip(), node.agentPort());
  }
}
