package dev.gpuhub.core.replicas;

import java.util.Arrays;

/**
 * The decision of SPEC §6: for each service (by index), the node indices hosting its replicas; a node
 * may appear several times. Immutable; host lists are kept sorted, so equal placements are equal.
 */
public final class Placement {
  private final int[][] hosts;

  private Placement(int[][] hosts) {
    this.hosts = hosts;
  }

  /** A placement from one host array per service (copied and sorted). */
  public static Placement of(int[]... hostsPerService) {
    int[][] copy = new int[hostsPerService.length][];
    for (int j = 0; j < copy.length; j++) {
      copy[j] = hostsPerService[j].clone();
      Arrays.sort(copy[j]);
    }
    return new Placement(copy);
  }

  public int serviceCount() {
    return hosts.length;
  }

  /** Replicas of service {@code j} ({@code scale_j}). */
  public int replicas(int j) {
    return hosts[j].length;
  }

  /** Node indices hosting service {@code j}, sorted (a copy). */
  public int[] hosts(int j) {
    return hosts[j].clone();
  }

  /** Replicas of service {@code j} on node {@code node}. */
  public int replicasOn(int j, int node) {
    int count = 0;
    for (int h : hosts[j]) if (h == node) count++;
    return count;
  }

  /** Active Node Amount: nodes hosting at least one replica. */
  public int activeNodes() {
    return (int) Arrays.stream(hosts).flatMapToInt(Arrays::stream).distinct().count();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Placement p && Arrays.deepEquals(hosts, p.hosts);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(hosts);
  }

  @Override
  public String toString() {
    return Arrays.deepToString(hosts);
  }
}
