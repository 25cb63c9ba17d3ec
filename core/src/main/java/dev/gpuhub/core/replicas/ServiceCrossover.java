package dev.gpuhub.core.replicas;

import java.util.Random;
import org.moeaframework.core.Solution;
import org.moeaframework.core.operator.Variation;

/**
 * SPEC §6's per-microservice single-point crossover, as the seed describes it: with probability
 * {@code rate} the two parents are crossed segment by segment, each service's host list being a segment.
 * For service {@code j} a cut {@code c} is drawn uniformly from {@code 0 .. min(|A_j|, |B_j|) - 1} and the
 * children swap everything after position {@code c}: {@code A_j[0..c] + B_j[c+1..]} and
 * {@code B_j[0..c] + A_j[c+1..]}. Each child keeps one parent's replica count, so counts stay within
 * bounds, and a one-replica segment is left as it is. Parents are never modified.
 */
public final class ServiceCrossover implements Variation {
  private final Random random;
  private final double rate;

  public ServiceCrossover(Random random, double rate) {
    this.random = random;
    this.rate = rate;
  }

  @Override
  public String getName() {
    return "ServiceCrossover";
  }

  @Override
  public int getArity() {
    return 2;
  }

  @Override
  public Solution[] evolve(Solution[] parents) {
    Solution a = parents[0].copy();
    Solution b = parents[1].copy();
    if (random.nextDouble() < rate) {
      for (int j = 0; j < a.getNumberOfVariables(); j++) {
        cross((ReplicaHostsVariable) a.getVariable(j), (ReplicaHostsVariable) b.getVariable(j));
      }
    }
    return new Solution[] {a, b};
  }

  private void cross(ReplicaHostsVariable va, ReplicaHostsVariable vb) {
    int[] ha = va.hosts();
    int[] hb = vb.hosts();
    int cut = random.nextInt(Math.min(ha.length, hb.length));
    va.setHosts(join(ha, hb, cut));
    vb.setHosts(join(hb, ha, cut));
  }

  /** {@code head[0..cut] + tail[cut+1..]}. */
  static int[] join(int[] head, int[] tail, int cut) {
    int keep = cut + 1;
    int[] out = new int[keep + Math.max(0, tail.length - keep)];
    System.arraycopy(head, 0, out, 0, keep);
    if (tail.length > keep) System.arraycopy(tail, keep, out, keep, tail.length - keep);
    return out;
  }
}
