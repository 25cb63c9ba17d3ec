package dev.gpuhub.core.replicas;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Exact search for small instances: for every replica-count vector (scalable services 1 ..
 * {@code ceil(req/reqthr) + extra}, the others 1) the fewest active nodes that can host it under the
 * strict capacity constraint, by dynamic programming over the nodes (each node either unused or hosting
 * one of its feasible non-empty replica mixes). Independent of the planner's own bounds and operators.
 */
final class Exhaustive {
  private final ReplicaProblem p;
  private final int m;
  private final int[] bound;
  private final int[] stride;
  private final int states;
  private final int[] minNodes;

  Exhaustive(ReplicaProblem p, int extra) {
    this.p = p;
    m = p.serviceCount();
    bound = new int[m];
    for (int j = 0; j < m; j++) {
      ReplicaService s = p.service(j);
      bound[j] = s.scalable() ? (int) Math.max(1, Math.ceil(p.demand(j) / s.requestThreshold() - 1e-9)) + extra : 1;
    }
    stride = new int[m];
    int size = 1;
    for (int j = 0; j < m; j++) {
      stride[j] = size;
      size *= bound[j] + 1;
    }
    states = size;
    int[] dp = new int[states];
    Arrays.fill(dp, Integer.MAX_VALUE);
    dp[0] = 0;
    for (int l = 0; l < p.nodeCount(); l++) {
      List<int[]> mixes = new ArrayList<>();
      mixes(l, 0, new int[m], 0, 0, mixes);
      int[] next = dp.clone();
      for (int v = 0; v < states; v++) {
        if (dp[v] == Integer.MAX_VALUE) continue;
        int[] c = decode(v);
        for (int[] a : mixes) {
          int w = 0;
          boolean ok = true;
          for (int j = 0; j < m && ok; j++) {
            int sum = c[j] + a[j];
            ok = sum <= bound[j];
            w += sum * stride[j];
          }
          if (ok && dp[v] + 1 < next[w]) next[w] = dp[v] + 1;
        }
      }
      dp = next;
    }
    minNodes = dp;
  }

  private int[] decode(int v) {
    int[] c = new int[m];
    for (int j = 0; j < m; j++) c[j] = v / stride[j] % (bound[j] + 1);
    return c;
  }

  private void mixes(int l, int j, int[] a, double cpu, double mem, List<int[]> out) {
    if (j == m) {
      if (Arrays.stream(a).sum() > 0) out.add(a.clone());
      return;
    }
    ReplicaService s = p.service(j);
    for (int k = 0; k <= bound[j]; k++) {
      double c = cpu + k * s.cpuMillicores();
      double mm = mem + k * s.memoryMb();
      if (k > 0 && !(c < p.node(l).cpuMillicores() && mm < p.node(l).memoryMb())) break;
      a[j] = k;
      mixes(l, j + 1, a, c, mm, out);
    }
    a[j] = 0;
  }

  /** Fewest active nodes of a feasible placement with sufficiency at most {@code te}; MAX_VALUE if none. */
  int fewestNodes(double te) {
    int best = Integer.MAX_VALUE;
    for (int v = 0; v < states; v++) {
      if (minNodes[v] == Integer.MAX_VALUE) continue;
      int[] c = decode(v);
      if (Arrays.stream(c).anyMatch(x -> x < 1)) continue;
      if (p.throughputSufficiency(c) <= te + 1e-9) best = Math.min(best, minNodes[v]);
    }
    return best;
  }

  /** Lowest sufficiency of a feasible placement on at most {@code nodes} active nodes; +inf if none. */
  double bestSufficiency(int nodes) {
    double best = Double.POSITIVE_INFINITY;
    for (int v = 0; v < states; v++) {
      if (minNodes[v] > nodes) continue;
      int[] c = decode(v);
      if (Arrays.stream(c).anyMatch(x -> x < 1)) continue;
      best = Math.min(best, p.throughputSufficiency(c));
    }
    return best;
  }
}
