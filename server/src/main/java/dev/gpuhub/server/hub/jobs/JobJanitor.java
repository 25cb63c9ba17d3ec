package dev.gpuhub.server.hub.jobs;

import dev.gpuhub.core.allocation.PlacementEngine;
import dev.gpuhub.core.allocation.Reservation;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.server.workload.AgentCallException;
import dev.gpuhub.server.workload.Labels;
import dev.gpuhub.wire.node.ContainerView;
import dev.gpuhub.store.TrainingJobRecord;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes nodes and reservations agree with the jobs (run by the scheduler thread every round):
 * job containers no active job runs are removed, job reservations no active replica holds are
 * released (e.g. left by a node that was silent while its job moved, or by a stop of the hub).
 */
final class JobJanitor {
  private static final Logger LOG = LoggerFactory.getLogger(JobJanitor.class);

  private final JobBook book;
  private final JobLauncher launcher;
  private final PlacementEngine engine;

  JobJanitor(JobBook book, JobLauncher launcher, PlacementEngine engine) {
    this.book = book;
    this.launcher = launcher;
    this.engine = engine;
  }

  /** Removes job containers on live nodes that no active job runs; nodes that cannot be asked are skipped. */
  void sweepOrphans(List<NodeReport> live) {
    for (NodeReport node : live) {
      if (node.agentPort() == null) continue;
      List<ContainerView> containers;
      try {
        containers = launcher.containers(node);
      } catch (AgentCallException e) {
        continue;
      }
      for (ContainerView c : containers) {
        if (owned(c)) continue;
        try {
          launcher.remove(node, c.id());
          LOG.atInfo().addKeyValue("node", node.hostname()).addKeyValue("container", c.name()).log("removed an orphan job container");
        } catch (AgentCallException e) {
          LOG.debug("cannot remove {} on {}: {}", c.name(), node.hostname(), e.getMessage());
        }
      }
    }
  }

  private boolean owned(ContainerView c) {
    long id;
    try {
      id = Long.parseLong(c.labels().getOrDefault(Labels.JOB, ""));
    } catch (NumberFormatException e) {
      return false;
    }
    TrainingJobRecord job = book.get(id).orElse(null);
    return job != null && job.state().isActive() && job.allocation().stream().anyMatch(r -> c.id().equals(r.containerId()));
  }

  /** Releases job reservations that no active job's replica holds. */
  void releaseLeaks() {
    for (Reservation r : engine.reservations()) {
      var jobId = JobPlacement.jobIdOf(r.owner());
      if (jobId.isEmpty()) continue;
      TrainingJobRecord job = book.get(jobId.getAsLong()).orElse(null);
      boolean held = job != null && job.state().isActive()
          && job.allocation().stream().anyMatch(x -> JobPlacement.owner(job.id(), x.rank()).equals(r.owner()));
      if (!held) {
        engine.release(r.owner());
        LOG.atInfo().addKeyValue("owner", r.owner()).log("released a job reservation no replica holds");
      }
    }
  }
}
