package dev.gpuhub.server.hub.jobs;

import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.server.workload.AgentCallException;
import dev.gpuhub.wire.node.ContainerView;
import dev.gpuhub.store.JobReplica;
import dev.gpuhub.store.TrainingJobRecord;
import java.util.Map;
import java.util.Optional;

/**
 * What a running job's replicas say about it, asked of their nodes' agents: a replica that exited
 * with an error fails the job; replica 0 exiting 0 finishes it; a replica whose container or node
 * is gone, or whose container stopped without an exit status (stopped or removed from outside, as
 * the program never exited by itself), sends it back to the queue. A node that cannot be asked right now tells nothing.
 */
final class ReplicaWatch {
  /** The job's condition; {@code why} explains every kind but RUNNING. */
  record Verdict(Kind kind, String why) {
    enum Kind { RUNNING, FINISHED, FAILED, VANISHED }

    static final Verdict RUNNING = new Verdict(Kind.RUNNING, null);
  }

  private ReplicaWatch() {}

  /**
   * @param live            live nodes by hostname
   * @param silentIsVanished whether a replica on a node that stopped reporting counts as vanished
   *                        (not right after the hub started: nodes report again first)
   */
  static Verdict of(TrainingJobRecord job, Map<String, NodeReport> live, boolean silentIsVanished, JobLauncher launcher) {
    String failed = null;
    String vanished = null;
    boolean rank0Done = false;
    for (JobReplica r : job.allocation()) {
      NodeReport node = live.get(r.hostname());
      if (node == null || node.agentPort() == null) {
        if (silentIsVanished) vanished = "node " + r.hostname() + " of replica " + r.rank() + " stopped reporting";
        continue;
      }
      Optional<ContainerView> c;
      try {
        c = launcher.inspect(node, r.containerId());
      } catch (AgentCallException e) {
        continue; // ask again next round
      }
      if (c.isEmpty()) {
        vanished = "the container of replica " + r.rank() + " on " + r.hostname() + " is gone";
      } else if (!c.get().running()) {
        Integer code = c.get().exitCode();
        if (code == null) { // stopped or being removed from outside, not an exit of the program: like a gone container
          vanished = "the container of replica " + r.rank() + " on " + r.hostname() + " stopped without an exit status";
        } else if (code == 0) {
          rank0Done |= r.rank() == 0;
        } else {
          failed = "replica " + r.rank() + " on " + r.hostname() + " exited with code " + code + ": "
              + lastLines(launcher.logs(node, r.containerId()));
        }
      }
    }
    if (failed != null) return new Verdict(Verdict.Kind.FAILED, failed);
    if (rank0Done) return new Verdict(Verdict.Kind.FINISHED, "replica 0 exited with code 0");
    if (vanished != null) return new Verdict(Verdict.Kind.VANISHED, "re-queued: " + vanished);
    return Verdict.RUNNING;
  }

  private static String lastLines(String logs) {
    String[] lines = logs.strip().split("\n");
    return String.join(" | ", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 3), lines.length));
  }
}
