package dev.gpuhub.core.goodput.policy;

import dev.gpuhub.core.goodput.DesiredNodes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * Pollux's scheduling policy (Qiao et al., OSDI'21; SPEC §5): every round, re-allocate GPUs to
 * maximise the power mean of the jobs' speedups, each relative to the job's fair share, with a
 * discount for restarting a job on a new allocation.
 *
 * <p><b>Objective</b> (artifact {@code simulator/pollux.py}). A job's term is its speedup on its
 * allocation divided by its speedup on a fair share ({@code ceil(totalGpus / jobs)} GPUs, at most
 * its maxReplicas, packed on as few nodes as possible). A job whose allocation changes (including
 * starting from nothing) has that term multiplied by {@code max(age - restarts × delay, 0) / (age +
 * delay)} (at least 0.01, so a job can always start), {@code delay} being the restart cost
 * in seconds and {@code age = now - submitTime}: the share of its life not spent restarting, had it
 * restarted once more. The policy maximises the power mean with exponent
 * {@link Config#fairnessExponent()}: -1 by default (harmonic mean, as the artifact), which gives
 * every job some GPUs before any job gets many; 1 gives the plain mean (the sum of speedups), which
 * maximises throughput but starves poorly scaling jobs. The search: see {@code PolluxSearch}.
 *
 * <p><b>Constraints.</b> A node never gets more replicas than GPUs; a running job gets between
 * {@code max(1, minReplicas)} and {@code maxReplicas} replicas; a job whose speedup hook is null
 * (not profiled yet) counts as scaling linearly and gets at most {@code max(1, minReplicas)}
 * replicas, the artifact's one replica for a new job. The speedup hook must already reflect the
 * job's metric: throughput-only speedups for {@link Metric#SPEED} (a
 * {@code SpeedupFunction} over a speed-only {@code GoodputFunction}), goodput speedups otherwise.
 * {@link Metric#COST} only changes {@link DesiredNodes}.
 *
 * <p><b>Result.</b> Every job in the input appears, in input order: a job keeping its allocation
 * gets its {@link JobState#current()} list back unchanged (same order), a moved job its node
 * indices sorted, a paused job an empty list. Pure and deterministic for a given seed and input;
 * instances are immutable and thread-safe.
 */
public final class PolluxPolicy implements SchedulingPolicy {
  private final Config config;
  private final long seed;

  /**
   * @param restartDelaySeconds seconds a job loses to a restart (checkpoint, re-launch); 0 turns the
   *                            restart penalty off. Artifact: 30.
   * @param fairnessExponent    power-mean exponent p of the objective, in [-10, 1]; -1 = harmonic
   *                            mean (artifact), 0 = geometric, 1 = arithmetic mean of speedups
   * @param maxSweeps           bound on local-improvement sweeps per search, &gt;= 0
   * @param kicks               seeded perturbation rounds after the deterministic search, &gt;= 0
   */
  public record Config(double restartDelaySeconds, double fairnessExponent, int maxSweeps, int kicks) {
    /** The artifact's restart delay and exponent, with a search budget that fits 50 jobs in milliseconds. */
    public static final Config DEFAULTS = new Config(30.0, -1.0, 20, 4);

    public Config {
      if (!(restartDelaySeconds >= 0) || Double.isInfinite(restartDelaySeconds)) {
        throw new IllegalArgumentException("restart delay must be a finite number of seconds >= 0, was " + restartDelaySeconds);
      }
      if (!(fairnessExponent >= -10 && fairnessExponent <= 1)) {
        throw new IllegalArgumentException("fairness exponent must be in [-10, 1], was " + fairnessExponent);
      }
      if (maxSweeps < 0 || kicks < 0) {
        throw new IllegalArgumentException("maxSweeps and kicks must be >= 0, were " + maxSweeps + ", " + kicks);
      }
    }

    public Config withRestartDelaySeconds(double seconds) {
      return new Config(seconds, fairnessExponent, maxSweeps, kicks);
    }

    public Config withFairnessExponent(double exponent) {
      return new Config(restartDelaySeconds, exponent, maxSweeps, kicks);
    }

    public Config withKicks(int count) {
      return new Config(restartDelaySeconds, fairnessExponent, maxSweeps, count);
    }
  }

  /** {@link Config#DEFAULTS}, seed 0. */
  public PolluxPolicy() {
    this(Config.DEFAULTS, 0L);
  }

  /** {@link Config#DEFAULTS} with this seed for the perturbation rounds. */
  public PolluxPolicy(long seed) {
    this(Config.DEFAULTS, seed);
  }

  public PolluxPolicy(Config config, long seed) {
    this.config = Objects.requireNonNull(config, "config");
    this.seed = seed;
  }

  public Config config() {
    return config;
  }

  /** Pollux plans each node within its own capacity (the search's free GPUs per node). */
  @Override
  public boolean plansUnevenNodes() {
    return true;
  }

  /** @throws IllegalArgumentException when two jobs share an id */
  @Override
  public Map<String, List<Integer>> allocate(List<JobState> jobs, ClusterShape cluster, double now) {
    Objects.requireNonNull(jobs, "jobs");
    Objects.requireNonNull(cluster, "cluster");
    Map<String, List<Integer>> result = new LinkedHashMap<>();
    if (jobs.isEmpty()) return result;
    Set<String> ids = new HashSet<>();
    for (JobState job : jobs) {
      if (!ids.add(job.id())) throw new IllegalArgumentException("job id '" + job.id() + "' appears twice");
    }
    if (cluster.totalGpus() == 0) {
      for (JobState job : jobs) result.put(job.id(), List.of());
      return result;
    }

    // Least attained service first, then oldest: the order ties are broken in.
    List<JobState> ordered = new ArrayList<>(jobs);
    ordered.sort(Comparator.comparingDouble(JobState::attainedService)
        .thenComparingDouble(JobState::submitTime).thenComparing(JobState::id));
    int fairReplicas = Math.max(1, (cluster.totalGpus() + jobs.size() - 1) / jobs.size());
    PolluxFitness fitness = new PolluxFitness(config.fairnessExponent(), 1.0 / cluster.gpusPerNode());
    PolluxJob[] contexts = new PolluxJob[ordered.size()];
    for (int j = 0; j < contexts.length; j++) {
      contexts[j] = new PolluxJob(ordered.get(j), cluster, fairReplicas, now, config.restartDelaySeconds(), fitness);
    }

    Random random = new Random(seed ^ Double.doubleToLongBits(now) ^ ((long) jobs.size() << 32));
    PolluxPlan plan = new PolluxSearch(contexts, cluster, config.maxSweeps()).run(config.kicks(), random);

    Map<String, List<Integer>> byId = new LinkedHashMap<>();
    for (int j = 0; j < contexts.length; j++) byId.put(contexts[j].state.id(), allocation(plan, j));
    for (JobState job : jobs) result.put(job.id(), byId.get(job.id()));
    return result;
  }

  /**
   * Cluster utility of an allocation (SPEC §5): sum of the jobs' speedups / total GPUs. A job with a
   * null speedup hook counts its replica count.
   */
  public static double utility(List<JobState> jobs, Map<String, List<Integer>> allocations, ClusterShape cluster) {
    double sum = 0;
    for (JobState job : jobs) {
      List<Integer> alloc = allocations.getOrDefault(job.id(), List.of());
      if (alloc.isEmpty()) continue;
      int nodes = new HashSet<>(alloc).size();
      sum += job.speedup() == null ? alloc.size() : job.speedup().speedup(nodes, alloc.size());
    }
    return DesiredNodes.utility(sum, cluster.totalGpus());
  }

  /**
   * The node count {@code rule} asks for: the utility at each candidate count is that of this
   * policy's allocation on a cluster of that many nodes (same GPUs per node).
   */
  public int desiredNodes(List<JobState> jobs, ClusterShape cluster, double now, int minNodes, int maxNodes,
                          DesiredNodes rule) {
    return rule.choose(cluster.nodes(), minNodes, maxNodes, nodes -> {
      ClusterShape shape = new ClusterShape(nodes, cluster.gpusPerNode());
      return utility(jobs, allocate(jobs, shape, now), shape);
    });
  }

  private static List<Integer> allocation(PolluxPlan plan, int j) {
    PolluxJob job = plan.jobs[j];
    if (plan.replicas[j] == 0) return List.of();
    if (!plan.changed(j)) return job.state.current();
    Integer[] nodes = new Integer[plan.replicas[j]];
    int k = 0;
    for (int x = 0; x < plan.nodes; x++) for (int c = 0; c < plan.alloc[j][x]; c++) nodes[k++] = x;
    return List.of(Arrays.copyOf(nodes, k));
  }
}
