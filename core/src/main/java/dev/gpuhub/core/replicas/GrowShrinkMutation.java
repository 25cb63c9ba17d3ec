package dev.gpuhub.core.replicas;

import java.util.Arrays;
import java.util.Random;
import org.moeaframework.core.Solution;
import org.moeaframework.core.operator.Mutation;

/**
 * SPEC §6's growth and shrink mutations. Each service is mutated with probability {@code rate}: growth
 * adds a replica on a uniformly random node, shrink removes a uniformly random replica, each with
 * probability 1/2, or the one the bounds allow (growth at the minimum, shrink at the maximum). A service
 * allowed exactly one replica (not scalable, or nothing more is worth running) gets growth followed by a
 * shrink of its old replica, i.e. it moves to a random node, so its count never changes. The parent is
 * never modified.
 */
public final class GrowShrinkMutation implements Mutation {
  private final Random random;
  private final double rate;

  public GrowShrinkMutation(Random random, double rate) {
    this.random = random;
    this.rate = rate;
  }

  @Override
  public String getName() {
    return "GrowShrinkMutation";
  }

  @Override
  public Solution mutate(Solution parent) {
    Solution child = parent.copy();
    for (int j = 0; j < child.getNumberOfVariables(); j++) {
      if (random.nextDouble() < rate) mutate((ReplicaHostsVariable) child.getVariable(j));
    }
    return child;
  }

  /** Applies one growth or shrink (or a move, see the class comment) to {@code v}. */
  void mutate(ReplicaHostsVariable v) {
    int[] h = v.hosts();
    if (v.minReplicas() == v.maxReplicas()) {
      int[] grown = grow(h, random.nextInt(v.nodeCount()));
      v.setHosts(without(grown, random.nextInt(h.length)));
      return;
    }
    boolean growth = h.length <= v.minReplicas() || (h.length < v.maxReplicas() && random.nextBoolean());
    v.setHosts(growth ? grow(h, random.nextInt(v.nodeCount())) : without(h, random.nextInt(h.length)));
  }

  private static int[] grow(int[] hosts, int node) {
    int[] out = Arrays.copyOf(hosts, hosts.length + 1);
    out[hosts.length] = node;
    return out;
  }

  /** {@code hosts} without the element at {@code index}. */
  static int[] without(int[] hosts, int index) {
    int[] out = new int[hosts.length - 1];
    System.arraycopy(hosts, 0, out, 0, index);
    System.arraycopy(hosts, index + 1, out, index, hosts.length - index - 1);
    return out;
  }
}
