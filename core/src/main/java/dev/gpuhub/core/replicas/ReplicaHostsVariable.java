package dev.gpuhub.core.replicas;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Collectors;
import org.moeaframework.core.PRNG;
import org.moeaframework.core.variable.AbstractVariable;
import org.moeaframework.core.variable.Variable;
import org.moeaframework.core.variable.VariableEncodingException;

/**
 * MOEA Framework decision variable for one service: the node indices hosting its replicas (repeats
 * allowed, kept sorted), between {@code minReplicas} and {@code maxReplicas} long.
 */
public final class ReplicaHostsVariable extends AbstractVariable {
  private static final long serialVersionUID = 1L;

  private final int nodeCount;
  private final int minReplicas;
  private final int maxReplicas;
  private int[] hosts;

  public ReplicaHostsVariable(String name, int nodeCount, int minReplicas, int maxReplicas, int[] hosts) {
    super(name);
    this.nodeCount = nodeCount;
    this.minReplicas = minReplicas;
    this.maxReplicas = maxReplicas;
    setHosts(hosts);
  }

  public int nodeCount() {
    return nodeCount;
  }

  public int minReplicas() {
    return minReplicas;
  }

  public int maxReplicas() {
    return maxReplicas;
  }

  /** The hosts, sorted (a copy). */
  public int[] hosts() {
    return hosts.clone();
  }

  /** The internal sorted array: callers must not modify it. */
  int[] hostsView() {
    return hosts;
  }

  public int replicas() {
    return hosts.length;
  }

  /** Replaces the hosts (copied and sorted); throws if the result would not be well formed. */
  public void setHosts(int[] newHosts) {
    int[] copy = newHosts.clone();
    if (copy.length < minReplicas || copy.length > maxReplicas) {
      throw new IllegalArgumentException(getName() + ": " + copy.length + " replicas, allowed "
          + minReplicas + ".." + maxReplicas);
    }
    for (int h : copy) {
      if (h < 0 || h >= nodeCount) throw new IllegalArgumentException(getName() + ": no node " + h);
    }
    Arrays.sort(copy);
    hosts = copy;
  }

  /** A random count in range, each replica on a random node; draws from MOEA's {@link PRNG}. */
  @Override
  public void randomize() {
    randomize(PRNG.getRandom());
  }

  void randomize(Random random) {
    int count = minReplicas + random.nextInt(maxReplicas - minReplicas + 1);
    int[] h = new int[count];
    for (int i = 0; i < count; i++) h[i] = random.nextInt(nodeCount);
    setHosts(h);
  }

  @Override
  public ReplicaHostsVariable copy() {
    return new ReplicaHostsVariable(this);
  }

  private ReplicaHostsVariable(ReplicaHostsVariable other) {
    super(other.getName());
    this.nodeCount = other.nodeCount;
    this.minReplicas = other.minReplicas;
    this.maxReplicas = other.maxReplicas;
    this.hosts = other.hosts; // never mutated in place: setHosts replaces the array
  }

  @Override
  public String encode() {
    return Arrays.stream(hosts).mapToObj(Integer::toString).collect(Collectors.joining(","));
  }

  @Override
  public void decode(String value) {
    try {
      setHosts(value.isBlank() ? new int[0]
          : Arrays.stream(value.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray());
    } catch (IllegalArgumentException e) {
      throw new VariableEncodingException("not a host list: " + value);
    }
  }

  @Override
  public String getDefinition() {
    return org.moeaframework.core.Defined.createUnsupportedDefinition(Variable.class, ReplicaHostsVariable.class);
  }

  @Override
  public String toString() {
    return getName() + "@" + Arrays.toString(hosts);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplicaHostsVariable v && v.nodeCount == nodeCount && v.minReplicas == minReplicas
        && v.maxReplicas == maxReplicas && Arrays.equals(v.hosts, hosts) && java.util.Objects.equals(v.getName(), getName());
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(hosts) + nodeCount;
  }
}
