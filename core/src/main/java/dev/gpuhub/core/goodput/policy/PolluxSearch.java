package dev.gpuhub.core.goodput.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The search behind {@link PolluxPolicy}, in four steps, the first three deterministic and the last
 * seeded (the artifact runs a genetic algorithm instead; this takes milliseconds for 50 jobs on 64
 * GPUs and finds the exhaustive optimum on most small clusters, see PolluxSearchTest):
 *
 * <ol>
 *   <li><b>How many GPUs</b>: greedy by marginal gain per GPU, every job starting from none. A job's
 *       value for r GPUs assumes the tightest packing, ceil(r / gpusPerNode) nodes, discounted by its
 *       restart factor, except that keeping its current allocation is valued undiscounted. A step may
 *       jump several GPUs at once (to reach minReplicas or the current allocation), compared by gain
 *       per GPU, so the non-concave restart discount cannot trap the greedy.</li>
 *   <li><b>Where</b>: jobs keeping their allocation stay put; the others, largest first, take whole
 *       free nodes and then the best-fitting node ({@link PolluxPlan#pack}).</li>
 *   <li><b>Local improvement</b>: single-replica moves on the real placement (add a free GPU, drop
 *       one, hand one to another job on the same node, move one to another node) and each job's best
 *       response to the others (its current allocation back if it fits, or any allowed size re-packed
 *       on the free GPUs), while any improves the objective, at most {@code maxSweeps} sweeps.</li>
 *   <li><b>Perturbation</b> (seeded): {@code kicks} times, take every GPU from a few random jobs,
 *       refill greedily on the real placement, improve locally, and keep the result if it is
 *       better.</li>
 * </ol>
 */
final class PolluxSearch {
  private static final double MIN_GAIN = 1e-9;

  private final PolluxJob[] jobs;
  private final ClusterShape cluster;
  private final int maxSweeps;

  PolluxSearch(PolluxJob[] jobs, ClusterShape cluster, int maxSweeps) {
    this.jobs = jobs;
    this.cluster = cluster;
    this.maxSweeps = maxSweeps;
  }

  PolluxPlan run(int kicks, Random random) {
    PolluxPlan plan = place(greedyCounts());
    improve(plan);
    for (int k = 0; k < kicks; k++) {
      PolluxPlan trial = plan.copy();
      kick(trial, random);
      refill(trial);
      improve(trial);
      if (trial.total() > plan.total() + MIN_GAIN) plan = trial;
    }
    return plan;
  }

  /** Step 1: replicas per job, and whether each keeps its current allocation. */
  Counts greedyCounts() {
    int window = lookahead();
    ValueTable[] values = new ValueTable[jobs.length];
    for (int j = 0; j < jobs.length; j++) values[j] = new ValueTable(jobs[j]);
    int[] count = new int[jobs.length];
    int free = cluster.totalGpus();
    while (free > 0) {
      int bestJob = -1;
      int bestCount = 0;
      double bestRatio = MIN_GAIN;
      for (int j = 0; j < jobs.length; j++) {
        PolluxJob job = jobs[j];
        double now = values[j].at(count[j]);
        int limit = Math.min(job.max, count[j] + free);
        for (int r = count[j] + 1; r <= limit; r++) {
          // Within the window every size; beyond it only the jumps the greedy must be able to make.
          if (r - count[j] > window && r != job.min && r != job.currentReplicas) continue;
          double v = values[j].at(r);
          if (Double.isNaN(v)) continue;
          double ratio = (v - now) / (r - count[j]);
          if (ratio > bestRatio) {
            bestRatio = ratio;
            bestJob = j;
            bestCount = r;
          }
        }
      }
      if (bestJob < 0) break;
      free -= bestCount - count[bestJob];
      count[bestJob] = bestCount;
    }
    boolean[] keep = new boolean[jobs.length];
    for (int j = 0; j < jobs.length; j++) keep[j] = count[j] > 0 && values[j].keeps(count[j]);
    return new Counts(count, keep);
  }

  /**
   * How far past its current size a step may look for a job: two nodes' worth, enough to cross the
   * dip where a job first spills onto another node. Bounds the sizes whose speedup is ever asked.
   */
  private int lookahead() {
    return 2 * cluster.gpusPerNode();
  }

  /** Step 2: kept jobs where they are, the rest packed largest first. */
  PolluxPlan place(Counts counts) {
    PolluxPlan plan = new PolluxPlan(jobs, cluster);
    List<Integer> moved = new ArrayList<>();
    for (int j = 0; j < jobs.length; j++) {
      if (counts.count[j] == 0) continue;
      if (counts.keep[j] && fits(plan, jobs[j].current)) {
        plan.addAll(j, jobs[j].current);
      } else {
        moved.add(j);
      }
    }
    moved.sort(Comparator.<Integer>comparingInt(j -> -counts.count[j]).thenComparingInt(j -> j));
    for (int j : moved) {
      int[] where = plan.pack(counts.count[j]);
      if (where != null) plan.addAll(j, where);
    }
    return plan;
  }

  /** Step 3: first-improvement single-replica moves until none improves. */
  void improve(PolluxPlan plan) {
    for (int sweep = 0; sweep < maxSweeps; sweep++) {
      boolean improved = false;
      for (int j = 0; j < jobs.length; j++) {
        improved |= growOrShrink(plan, j);
        improved |= handOver(plan, j);
        improved |= relocate(plan, j);
        improved |= reinsert(plan, j);
      }
      if (!improved) return;
    }
  }

  private boolean growOrShrink(PolluxPlan plan, int j) {
    boolean improved = false;
    PolluxJob job = jobs[j];
    for (int x = 0; x < plan.nodes; x++) {
      if (plan.free[x] > 0 && job.allows(plan.replicas[j] + 1) && plan.scoreIf(j, x, 1) > plan.score[j] + MIN_GAIN) {
        plan.add(j, x, 1);
        improved = true;
      }
      if (plan.alloc[j][x] > 0 && job.allows(plan.replicas[j] - 1) && plan.scoreIf(j, x, -1) > plan.score[j] + MIN_GAIN) {
        plan.add(j, x, -1);
        improved = true;
      }
    }
    return improved;
  }

  /** Job j gives one of its replicas on some node to another job there, or to one not yet there. */
  private boolean handOver(PolluxPlan plan, int j) {
    boolean improved = false;
    for (int x = 0; x < plan.nodes; x++) {
      if (plan.alloc[j][x] == 0 || !jobs[j].allows(plan.replicas[j] - 1)) continue;
      double donorAfter = plan.scoreIf(j, x, -1);
      double donorLoss = plan.score[j] - donorAfter;
      for (int i = 0; i < jobs.length; i++) {
        if (i == j || !jobs[i].allows(plan.replicas[i] + 1)) continue;
        double gain = plan.scoreIf(i, x, 1) - plan.score[i];
        if (gain - donorLoss > MIN_GAIN) {
          plan.add(j, x, -1);
          plan.add(i, x, 1);
          improved = true;
          break;
        }
      }
    }
    return improved;
  }

  /** Job j moves one replica to a node with a free GPU (fewer nodes, or back where it was). */
  private boolean relocate(PolluxPlan plan, int j) {
    boolean improved = false;
    for (int x = 0; x < plan.nodes; x++) {
      if (plan.alloc[j][x] == 0) continue;
      for (int y = 0; y < plan.nodes; y++) {
        if (y == x || plan.free[y] == 0 || plan.alloc[j][x] == 0) continue;
        if (plan.scoreIfMoved(j, x, y) > plan.score[j] + MIN_GAIN) {
          plan.add(j, x, -1);
          plan.add(j, y, 1);
          improved = true;
        }
      }
    }
    return improved;
  }

  /**
   * Job j's best response to everyone else: its current allocation back if it fits, or any allowed
   * size re-packed on the free GPUs (this undoes fragmentation that single moves cannot).
   */
  private boolean reinsert(PolluxPlan plan, int j) {
    PolluxJob job = jobs[j];
    int[] held = plan.alloc[j].clone();
    double before = plan.score[j];
    plan.clear(j);
    int[] best = null;
    double bestScore = before + MIN_GAIN;
    if (job.keepable && fits(plan, job.current) && job.keepScore() > bestScore) {
      best = job.current;
      bestScore = job.keepScore();
    }
    if (plan.score[j] > bestScore) { // paused
      best = new int[plan.nodes];
      bestScore = plan.score[j];
    }
    int top = Math.min(job.max, sum(held) + lookahead());
    for (int r = job.min; r <= top; r++) {
      int[] where = plan.pack(r);
      if (where == null) break;
      double score = job.score(nonZero(where), r, differs(where, job));
      if (score > bestScore) {
        best = where;
        bestScore = score;
      }
    }
    plan.addAll(j, best != null ? best : held);
    return best != null;
  }

  /** Step 4a: takes every GPU from one to three random running jobs. */
  private void kick(PolluxPlan plan, Random random) {
    List<Integer> running = new ArrayList<>();
    for (int j = 0; j < jobs.length; j++) if (plan.replicas[j] > 0) running.add(j);
    int victims = Math.min(running.size(), 1 + random.nextInt(3));
    for (int v = 0; v < victims; v++) {
      plan.clear(running.remove(random.nextInt(running.size())));
    }
  }

  /** Step 4b: hands out free GPUs by best gain per GPU, each job re-packed whole at its new size. */
  void refill(PolluxPlan plan) {
    while (true) {
      int available = 0;
      for (int f : plan.free) available += f;
      if (available == 0) return;
      int bestJob = -1;
      int[] bestWhere = null;
      double bestRatio = MIN_GAIN;
      for (int j = 0; j < jobs.length; j++) {
        int had = plan.replicas[j];
        int limit = Math.min(jobs[j].max, had + Math.min(available, lookahead()));
        if (limit <= had) continue;
        int[] held = plan.alloc[j].clone();
        double before = plan.score[j];
        plan.clear(j);
        for (int r = Math.max(had + 1, jobs[j].min); r <= limit; r++) {
          int[] where = plan.pack(r);
          if (where == null) break;
          double ratio = (jobs[j].score(nonZero(where), r, differs(where, jobs[j])) - before) / (r - had);
          if (ratio > bestRatio) {
            bestRatio = ratio;
            bestJob = j;
            bestWhere = where;
          }
        }
        plan.addAll(j, held);
      }
      if (bestJob < 0) return;
      plan.clear(bestJob);
      plan.addAll(bestJob, bestWhere);
    }
  }

  private static boolean fits(PolluxPlan plan, int[] counts) {
    for (int x = 0; x < plan.nodes; x++) if (counts[x] > plan.free[x]) return false;
    return true;
  }

  private static int sum(int[] counts) {
    int n = 0;
    for (int c : counts) n += c;
    return n;
  }

  private static int nonZero(int[] counts) {
    int n = 0;
    for (int c : counts) if (c > 0) n++;
    return n;
  }

  private static boolean differs(int[] counts, PolluxJob job) {
    return job.currentLost || !java.util.Arrays.equals(counts, job.current);
  }

  /**
   * A job's value for each replica count under ideal packing (ceil(r / gpusPerNode) nodes, restart
   * discount applied), except that its current count may be kept undiscounted. Computed on demand:
   * every entry costs a speedup evaluation.
   */
  private final class ValueTable {
    private final PolluxJob job;
    private final double[] value;
    private final boolean[] known;
    private final double keep;

    ValueTable(PolluxJob job) {
      this.job = job;
      int top = Math.max(job.max, 0);
      value = new double[top + 1];
      known = new boolean[top + 1];
      keep = job.keepable ? job.keepScore() : Double.NEGATIVE_INFINITY;
    }

    /** Value of r replicas; NaN when r is not allowed. */
    double at(int r) {
      if (!known[r]) {
        int g = cluster.gpusPerNode();
        value[r] = r == 0 ? job.score(0, 0, false)
            : job.allows(r) ? job.score(Math.min(cluster.nodes(), (r + g - 1) / g), r, true) : Double.NaN;
        if (keeps(r)) value[r] = keep;
        known[r] = true;
      }
      return value[r];
    }

    /** Whether r replicas means keeping the current allocation (worth at least moving). */
    boolean keeps(int r) {
      if (!job.keepable || r != job.currentReplicas) return false;
      int g = cluster.gpusPerNode();
      return keep >= job.score(Math.min(cluster.nodes(), (r + g - 1) / g), r, true);
    }
  }

  /** Step 1's answer: replicas per job, and which jobs keep their current allocation. */
  record Counts(int[] count, boolean[] keep) {
  }
}
