package dev.gpuhub.core.goodput.policy;

/**
 * A candidate allocation for one round: replicas of each job on each node, with the bookkeeping
 * that lets a one-replica change be scored from the two jobs it touches. The objective
 * ({@link #total()}) is the sum of the jobs' {@link PolluxJob#score scores}.
 */
final class PolluxPlan {
  final PolluxJob[] jobs;
  final int nodes;
  final int gpusPerNode;
  /** Replicas of job j on node x. */
  final int[][] alloc;
  final int[] free;
  final int[] replicas;
  final int[] usedNodes;
  /** Nodes where job j's replicas differ from its current allocation. */
  final int[] diff;
  final double[] score;

  PolluxPlan(PolluxJob[] jobs, ClusterShape cluster) {
    this.jobs = jobs;
    this.nodes = cluster.nodes();
    this.gpusPerNode = cluster.gpusPerNode();
    alloc = new int[jobs.length][nodes];
    free = new int[nodes];
    for (int x = 0; x < nodes; x++) free[x] = cluster.capacity(x);
    replicas = new int[jobs.length];
    usedNodes = new int[jobs.length];
    diff = new int[jobs.length];
    score = new double[jobs.length];
    for (int j = 0; j < jobs.length; j++) {
      for (int x = 0; x < nodes; x++) if (jobs[j].current[x] != 0) diff[j]++;
      score[j] = jobs[j].score(0, 0, changed(j));
    }
  }

  private PolluxPlan(PolluxPlan other) {
    jobs = other.jobs;
    nodes = other.nodes;
    gpusPerNode = other.gpusPerNode;
    alloc = new int[jobs.length][];
    for (int j = 0; j < jobs.length; j++) alloc[j] = other.alloc[j].clone();
    free = other.free.clone();
    replicas = other.replicas.clone();
    usedNodes = other.usedNodes.clone();
    diff = other.diff.clone();
    score = other.score.clone();
  }

  PolluxPlan copy() {
    return new PolluxPlan(this);
  }

  double total() {
    double sum = 0;
    for (double s : score) sum += s;
    return sum;
  }

  boolean changed(int j) {
    return diff[j] > 0 || jobs[j].currentLost;
  }

  /** Adds {@code delta} replicas of job j on node x (negative removes) and rescores j. */
  void add(int j, int x, int delta) {
    set(j, x, alloc[j][x] + delta);
    score[j] = jobs[j].score(usedNodes[j], replicas[j], changed(j));
  }

  /** Gives job j the per-node counts {@code counts} on top of what it holds, then rescores it. */
  void addAll(int j, int[] counts) {
    for (int x = 0; x < nodes; x++) if (counts[x] != 0) set(j, x, alloc[j][x] + counts[x]);
    score[j] = jobs[j].score(usedNodes[j], replicas[j], changed(j));
  }

  /** Takes every replica of job j away and rescores it. */
  void clear(int j) {
    for (int x = 0; x < nodes; x++) if (alloc[j][x] != 0) set(j, x, 0);
    score[j] = jobs[j].score(0, 0, changed(j));
  }

  /** Score of job j if its count on node x changed by {@code delta}; the plan is not modified. */
  double scoreIf(int j, int x, int delta) {
    int before = alloc[j][x];
    int after = before + delta;
    int r = replicas[j] + delta;
    int n = usedNodes[j] + (after > 0 ? 1 : 0) - (before > 0 ? 1 : 0);
    int d = diff[j] + mismatch(j, x, after) - mismatch(j, x, before);
    return jobs[j].score(n, r, d > 0 || jobs[j].currentLost);
  }

  /** Score of job j if one of its replicas moved from node x to node y (x != y). */
  double scoreIfMoved(int j, int x, int y) {
    int bx = alloc[j][x];
    int by = alloc[j][y];
    int n = usedNodes[j] - (bx == 1 ? 1 : 0) + (by == 0 ? 1 : 0);
    int d = diff[j] + mismatch(j, x, bx - 1) - mismatch(j, x, bx) + mismatch(j, y, by + 1) - mismatch(j, y, by);
    return jobs[j].score(n, replicas[j], d > 0 || jobs[j].currentLost);
  }

  /**
   * Where {@code count} replicas of a job fit best on the free GPUs: whole free nodes first while a
   * node's worth remains, then the fullest node that still holds the rest (best fit), else the
   * emptiest nodes first. This uses as few nodes as the free GPUs allow and keeps free nodes whole.
   *
   * @return replicas per node, or null when fewer than {@code count} GPUs are free
   */
  int[] pack(int count) {
    int available = 0;
    for (int f : free) available += f;
    if (count > available) return null;
    int[] taken = new int[nodes];
    int remaining = count;
    for (int x = 0; x < nodes && remaining >= gpusPerNode; x++) {
      if (free[x] == gpusPerNode) {
        taken[x] = gpusPerNode;
        remaining -= gpusPerNode;
      }
    }
    if (remaining == 0) return taken;
    int fit = -1;
    for (int x = 0; x < nodes; x++) {
      if (taken[x] == 0 && free[x] >= remaining && (fit < 0 || free[x] < free[fit])) fit = x;
    }
    if (fit >= 0) {
      taken[fit] = remaining;
      return taken;
    }
    while (remaining > 0) {
      int widest = -1;
      for (int x = 0; x < nodes; x++) {
        int left = free[x] - taken[x];
        if (left > 0 && (widest < 0 || left > free[widest] - taken[widest])) widest = x;
      }
      int take = Math.min(remaining, free[widest] - taken[widest]);
      taken[widest] += take;
      remaining -= take;
    }
    return taken;
  }

  private void set(int j, int x, int value) {
    int before = alloc[j][x];
    if (before == value) return;
    if (value < 0 || free[x] - (value - before) < 0) {
      throw new IllegalStateException("node " + x + " cannot hold " + value + " replicas of job " + jobs[j].state.id());
    }
    alloc[j][x] = value;
    free[x] -= value - before;
    replicas[j] += value - before;
    usedNodes[j] += (value > 0 ? 1 : 0) - (before > 0 ? 1 : 0);
    diff[j] += mismatch(j, x, value) - mismatch(j, x, before);
  }

  private int mismatch(int j, int x, int value) {
    return value != jobs[j].current[x] ? 1 : 0;
  }
}
