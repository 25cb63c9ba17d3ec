package dev.gpuhub.sim.pollux;

import dev.gpuhub.core.goodput.policy.ClusterShape;
import dev.gpuhub.core.goodput.policy.JobState;
import dev.gpuhub.core.goodput.policy.SchedulingPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tiresias (Gu et al., NSDI'19) as the Pollux artifact runs it: two-dimensional attained service
 * (GPU-seconds = seconds running × GPUs asked for), discretised into priority queues; each job runs
 * on exactly the GPU count it asked for ({@link JobState#fixedReplicas()}), or not at all.
 *
 * <p>Every round: a running job's service grows by the time since the last round, and it moves down
 * to the queue its service now falls in (to the back). Then queues are walked highest priority
 * first, each in order, and a job runs if its GPUs still fit in what the jobs before it left (a job
 * that does not fit is skipped, so a smaller one behind it may run); a job that stops running is
 * preempted. Jobs that keep running keep their GPUs; newly started ones take every free GPU of the
 * node with the most free GPUs until they have enough. The artifact's setting: two queues split at
 * 16 GPU-hours, no starvation promotion. Stateful (one instance per simulation); not thread-safe.
 */
public final class TiresiasPolicy implements SchedulingPolicy {
  /** The artifact's single queue threshold: 16 GPU-hours. */
  public static final double DEFAULT_THRESHOLD = 3600.0 * 16;

  private final double[] thresholds;
  private final List<List<String>> queues = new ArrayList<>();
  private final Map<String, Boolean> running = new HashMap<>();
  private final Map<String, Long> lastCheck = new HashMap<>();
  private final Map<String, Long> executed = new HashMap<>();

  public TiresiasPolicy() {
    this(DEFAULT_THRESHOLD);
  }

  /** @param thresholds GPU-seconds at which a job moves to the next lower-priority queue, increasing */
  public TiresiasPolicy(double... thresholds) {
    for (int i = 0; i < thresholds.length; i++) {
      if (!(thresholds[i] > 0) || (i > 0 && thresholds[i] <= thresholds[i - 1])) {
        throw new IllegalArgumentException("queue thresholds must be positive and increasing");
      }
    }
    this.thresholds = thresholds.clone();
    for (int i = 0; i <= thresholds.length; i++) queues.add(new ArrayList<>());
  }

  @Override
  public Map<String, List<Integer>> allocate(List<JobState> jobs, ClusterShape cluster, double now) {
    long eventTime = (long) now;
    Map<String, JobState> byId = new LinkedHashMap<>();
    for (JobState j : jobs) byId.put(j.id(), j);
    Set<String> gone = new HashSet<>(running.keySet());
    gone.removeAll(byId.keySet());
    for (String id : gone) {
      running.remove(id);
      lastCheck.remove(id);
      executed.remove(id);
    }
    for (List<String> q : queues) q.removeIf(id -> !byId.containsKey(id));
    Map<String, List<Integer>> allocations = NodeFill.current(jobs);
    for (JobState j : jobs) {
      if (!running.containsKey(j.id())) {
        running.put(j.id(), false);
        queues.get(0).add(j.id());
      }
    }
    for (JobState j : jobs) {
      String id = j.id();
      long since = eventTime - lastCheck.getOrDefault(id, 0L);
      lastCheck.put(id, eventTime);
      if (running.get(id)) {
        long service = executed.merge(id, since, Long::sum);
        double gpuTime = (double) service * j.fixedReplicas();
        int level = queueOf(id);
        int target = levelOf(gpuTime);
        if (target > level) {
          queues.get(level).remove(id);
          queues.get(target).add(id);
        }
      }
    }
    int freeTotal = cluster.totalGpus();
    for (List<String> q : queues) {
      for (String id : q) {
        int want = byId.get(id).fixedReplicas();
        if (want <= freeTotal) {
          running.put(id, true);
          freeTotal -= want;
        } else {
          running.put(id, false);
          allocations.remove(id);
        }
      }
    }
    int[] free = NodeFill.freeGpus(cluster, allocations);
    for (List<String> q : queues) {
      for (String id : q) {
        if (running.get(id) && allocations.getOrDefault(id, List.of()).isEmpty()) {
          allocations.put(id, NodeFill.take(free, byId.get(id).fixedReplicas()));
        }
      }
    }
    return allocations;
  }

  private int queueOf(String id) {
    for (int i = 0; i < queues.size(); i++) if (queues.get(i).contains(id)) return i;
    throw new IllegalStateException("job " + id + " is in no queue");
  }

  private int levelOf(double gpuTime) {
    int level = 0;
    while (level < thresholds.length && gpuTime >= thresholds[level]) level++;
    return level;
  }
}
