package dev.gpuhub.sim.pollux;

import dev.gpuhub.core.goodput.DesiredNodes;
import dev.gpuhub.core.goodput.policy.ClusterShape;
import dev.gpuhub.core.goodput.policy.JobState;
import dev.gpuhub.core.goodput.policy.Metric;
import dev.gpuhub.core.goodput.policy.PolluxPolicy;
import dev.gpuhub.core.goodput.policy.RemainingTime;
import dev.gpuhub.core.goodput.policy.SchedulingPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The Pollux artifact's cluster simulator: jobs arrive at their submission time; every
 * {@code interval} seconds each job advances second-accurately on its allocation (no progress for
 * the restart penalty after a re-allocation), then the policy re-allocates every arrived,
 * unfinished job. A job's progress advances at {@code gain / step_time} per second, from the
 * traces ({@link Application}); it completes after its model's last epoch. Single-threaded; one
 * instance per run.
 */
public final class Simulator {
  private static final double EPS = 1e-8;

  private final Workload workload;
  private final SimConfig config;
  private final ClusterShape cluster;
  private final SchedulingPolicy policy;
  private final List<SimJob> jobs = new ArrayList<>();
  private Map<String, List<Integer>> allocations = new HashMap<>();
  private double now;
  private List<JobState> lastStates = List.of();
  /** Sees every round's checked allocations (tests). */
  private Consumer<Map<String, List<Integer>>> roundObserver = a -> {};

  /**
   * @throws TraceDataException naming the workload file and line of a job whose model has no
   *                            traces, or that asks for more GPUs than the cluster has (Tiresias)
   */
  public Simulator(Workload workload, TraceLibrary traces, SimConfig config) {
    this(workload, traces, config, null);
  }

  /**
   * With {@code policy} scheduling instead of the one {@code config} names (whose job model, fixed
   * or adaptive, still applies); null = the named one.
   */
  public Simulator(Workload workload, TraceLibrary traces, SimConfig config, SchedulingPolicy policy) {
    this.workload = workload;
    this.config = config;
    this.cluster = new ClusterShape(config.nodes(), config.gpusPerNode());
    for (WorkloadJob w : workload.jobs()) {
      if (!traces.has(w.application())) {
        throw TraceDataException.at(workload.file(), w.line(), "job " + w.name() + ": no traces for model '"
            + w.application() + "' in " + traces.dataDir().resolve("traces") + " (have "
            + String.join(", ", traces.available()) + ")");
      }
      Application app = traces.application(w.application());
      switch (config.policy()) {
        case TIRESIAS -> {
          if (w.numReplicas() > config.totalGpus()) {
            throw TraceDataException.at(workload.file(), w.line(), "job " + w.name() + " asks for " + w.numReplicas()
                + " GPUs but the cluster has " + config.totalGpus() + ": tiresias could never run it");
          }
          jobs.add(new SimJob(w, app, w.numReplicas(), w.batchSize(), null, config.restartPenalty()));
        }
        case OPTIMUS -> jobs.add(new SimJob(w, app, null, w.batchSize(), null, config.restartPenalty()));
        case POLLUX -> {
          // As in the artifact: ncf runs at its largest validated batch size on one GPU.
          Integer batch = isPinnedToOneGpu(app) ? app.maxBatchSize() : null;
          jobs.add(new SimJob(w, app, null, batch, PolluxSupport.model(app, config.metric()),
              config.restartPenalty()));
        }
      }
    }
    this.policy = policy != null ? policy : switch (config.policy()) {
      case TIRESIAS -> new TiresiasPolicy();
      case OPTIMUS -> new OptimusPolicy();
      case POLLUX -> PolluxSupport.policy(config);
    };
  }

  /** The artifact pins ncf to one GPU (its model is too small to gain from more). */
  static boolean isPinnedToOneGpu(Application app) {
    return app.name().equals("ncf");
  }

  /** Runs to the last completion without status lines. */
  public SimulationResult run() {
    return run(null);
  }

  /** Runs to the last completion; {@code hourly} (unless null) gets one status line per simulated hour. */
  public SimulationResult run(Consumer<String> hourly) {
    long start = System.nanoTime();
    int finished = 0;
    while (finished < jobs.size()) {
      if (now >= config.maxSimSeconds()) {
        throw new IllegalStateException("simulation passed " + (long) config.maxSimSeconds()
            + " simulated seconds with " + (jobs.size() - finished) + " jobs unfinished");
      }
      double before = now;
      for (SimJob job : jobs) job.step(config.interval());
      now += config.interval();
      finished = 0;
      for (SimJob job : jobs) if (job.done()) finished++;
      schedule();
      if (hourly != null && Math.floor(now / 3600 + EPS) > Math.floor(before / 3600 + EPS)) {
        hourly.accept(status(finished));
      }
    }
    Map<String, Double> jcts = new LinkedHashMap<>();
    long restarts = 0;
    for (SimJob job : jobs) {
      jcts.put(job.name(), job.completionTime - job.spec.time());
      restarts += Math.max(0, job.restarts);
    }
    return new SimulationResult(jcts, now, restarts, (System.nanoTime() - start) / 1_000_000);
  }

  private void schedule() {
    List<JobState> states = new ArrayList<>();
    Map<String, SimJob> active = new HashMap<>();
    for (SimJob job : jobs) {
      if (job.spec.time() <= now && !job.done()) {
        states.add(stateOf(job));
        active.put(job.name(), job);
      }
    }
    lastStates = states;
    if (states.isEmpty()) return;
    Map<String, List<Integer>> next = policy.allocate(states, cluster, now);
    int[] used = new int[cluster.nodes()];
    Map<String, List<Integer>> kept = new HashMap<>();
    for (Map.Entry<String, List<Integer>> e : next.entrySet()) {
      List<Integer> alloc = e.getValue() == null ? List.of() : e.getValue();
      if (alloc.isEmpty()) continue;
      if (!active.containsKey(e.getKey())) {
        throw new IllegalStateException("policy allocated GPUs to " + e.getKey() + ", which is not an active job");
      }
      for (int node : alloc) {
        if (node < 0 || node >= cluster.nodes()) {
          throw new IllegalStateException("policy placed " + e.getKey() + " on node " + node + " of " + cluster.nodes());
        }
        if (++used[node] > cluster.gpusPerNode()) {
          throw new IllegalStateException("policy put more than " + cluster.gpusPerNode() + " replicas on node " + node);
        }
      }
      kept.put(e.getKey(), List.copyOf(alloc));
    }
    for (SimJob job : jobs) {
      List<Integer> was = allocations.getOrDefault(job.name(), List.of());
      List<Integer> is = kept.getOrDefault(job.name(), List.of());
      if (!was.equals(is)) job.reallocate(is);
    }
    allocations = kept;
    roundObserver.accept(kept);
  }

  /** How the policy sees {@code job} now (its allocation as {@link JobState#current()}). */
  JobState stateOf(SimJob job) {
    WorkloadJob w = job.spec;
    Application app = job.app;
    int restarts = Math.max(0, job.restarts);
    return switch (config.policy()) {
      case TIRESIAS -> new JobState(w.name(), w.time(), w.numReplicas(), w.numReplicas(), w.numReplicas(),
          job.attainedService, restarts, job.allocation, null, null, Metric.DEFAULT);
      case OPTIMUS -> {
        int max = isPinnedToOneGpu(app) ? 1 : Math.max(1, job.targetBatch / app.minLocalBsz());
        yield new JobState(w.name(), w.time(), w.numReplicas(), 1, max, job.attainedService, restarts,
            job.allocation, null, oracle(job), Metric.DEFAULT);
      }
      case POLLUX -> {
        int max = isPinnedToOneGpu(app) ? 1
            : Math.min(Math.min(Math.max(2 * job.model.maxProfiledReplicas(), 1), config.totalGpus()),
                Math.max(1, app.maxBatchSize() / app.minLocalBsz()));
        yield new JobState(w.name(), w.time(), w.numReplicas(), 1, max, job.attainedService, restarts,
            job.allocation, job.model.speedup(), null, config.metric());
      }
    };
  }

  /**
   * Optimus' oracle: the job's remaining iterations at its fixed batch size (from the validation
   * trace) times its true step time on {@code replicas} GPUs packed onto as few nodes as possible.
   */
  private RemainingTime oracle(SimJob job) {
    Application app = job.app;
    int completionEpoch = app.maxEpochs() - 1;
    double iterations = completionEpoch <= job.epoch ? 1
        : app.iteration(job.targetBatch, completionEpoch) - app.iteration(job.targetBatch, job.epoch);
    int gpusPerNode = config.gpusPerNode();
    int batch = job.targetBatch;
    return replicas -> iterations * predictStepTime(app, batch, replicas, gpusPerNode);
  }

  /** The artifact's Optimus step-time prediction for a fixed total batch on {@code replicas} GPUs. */
  static double predictStepTime(Application app, int batch, int replicas, int gpusPerNode) {
    int nodes = (replicas + gpusPerNode - 1) / gpusPerNode;
    int[] placement = new int[nodes];
    for (int i = 0; i < nodes; i++) placement[i] = Math.min(gpusPerNode, replicas - i * gpusPerNode);
    int localBsz = (int) Math.ceil((double) batch / replicas - EPS);
    int accumSteps = (int) Math.ceil((double) localBsz / app.maxLocalBsz() - EPS) - 1;
    if (replicas == 1) accumSteps = Math.max(1, accumSteps);
    int atomicBsz = (int) Math.ceil((double) localBsz / (accumSteps + 1) - EPS);
    int count = replicas * (accumSteps + 1);
    atomicBsz = Math.min(atomicBsz, (int) ((double) app.maxBatchSize() / count));
    double[] t = app.throughput(placement, atomicBsz);
    return t[0] + (t[0] - t[1]) * accumSteps;
  }

  private String status(int finished) {
    int arrived = 0;
    int running = 0;
    int gpus = 0;
    for (SimJob job : jobs) {
      if (job.spec.time() <= now && !job.done()) {
        arrived++;
        if (job.gpus() > 0) running++;
        gpus += job.gpus();
      }
    }
    String line = String.format(Locale.ROOT, "t=%5.1fh  active=%3d  running=%3d  gpus=%3d/%d  finished=%3d/%d",
        now / 3600, arrived, running, gpus, config.totalGpus(), finished, jobs.size());
    if (policy instanceof PolluxPolicy pollux && !lastStates.isEmpty()) {
      // The cluster stays fixed; this is what Pollux's desired-nodes rule (thresholds by metric) would ask for.
      double utility = PolluxPolicy.utility(lastStates, allocations, cluster);
      int desired = pollux.desiredNodes(lastStates, cluster, now, 1, 2 * cluster.nodes(),
          DesiredNodes.forMetric(config.metric()));
      line += String.format(Locale.ROOT, "  utility=%.2f  desired_nodes=%d", utility, desired);
    }
    return line;
  }

  public Workload workload() {
    return workload;
  }

  void observeRounds(Consumer<Map<String, List<Integer>>> observer) {
    this.roundObserver = observer;
  }

  /** Every job's allocation now (for tests). */
  Map<String, List<Integer>> allocations() {
    return allocations;
  }

  List<SimJob> jobs() {
    return jobs;
  }

  /** The policy that schedules the jobs (stateful for tiresias: one simulation only). */
  SchedulingPolicy policy() {
    return policy;
  }

  double now() {
    return now;
  }
}
