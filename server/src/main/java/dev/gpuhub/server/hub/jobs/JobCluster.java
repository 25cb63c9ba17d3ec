package dev.gpuhub.server.hub.jobs;

import dev.gpuhub.core.allocation.NodeAllocation;
import dev.gpuhub.core.goodput.policy.ClusterShape;
import dev.gpuhub.core.goodput.policy.PlannedNodes;
import dev.gpuhub.store.JobReplica;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The GPU nodes training jobs may use in one scheduling round, as a {@link ClusterShape} plus the
 * hostname behind each node index the policy speaks of.
 *
 * <p>A GPU is usable by jobs when no one holds it or a job holds it (jobs' GPUs are re-allocated
 * every round; a notebook's or a {@code /select-nodes} holder's are not). Policies assume equal
 * nodes unless they say otherwise, so the round plans on
 * {@link PlannedNodes#forPolicy what the policy can plan}: every node with its own usable GPUs
 * for Pollux, the largest even part for the others.
 *
 * @param hostnames node index to hostname, sorted by hostname
 * @param shape     what the policy sees
 */
record JobCluster(List<String> hostnames, ClusterShape shape) {

  JobCluster {
    hostnames = List.copyOf(hostnames);
  }

  /**
   * The largest even part of the live nodes with a node API among {@code nodes} (every live node's
   * capacity against its reservations), as a policy that assumes equal nodes sees them.
   */
  static JobCluster largestEvenPart(List<NodeAllocation> nodes) {
    return largestEvenPart(GpusForPeople.of(nodes, List.of(), 0).usable());
  }

  /** The largest even part of the GPUs jobs may use on each node ({@link GpusForPeople#usable()}). */
  static JobCluster largestEvenPart(Map<String, Integer> usable) {
    PlannedNodes<String> part = PlannedNodes.largestEvenPart(usable);
    return new JobCluster(part.nodes(), part.shape());
  }

  /** The cluster over the GPUs jobs may use on each node, as {@code policy} can plan it. */
  static JobCluster of(Map<String, Integer> usable, dev.gpuhub.core.goodput.policy.SchedulingPolicy policy) {
    PlannedNodes<String> part = PlannedNodes.forPolicy(usable, policy);
    return new JobCluster(part.nodes(), part.shape());
  }

  /**
   * The hostname of each replica of a policy allocation, by rank: node indices ascending, so a
   * job's replicas on one node have consecutive ranks and rank 0 is on the lowest index.
   *
   * @throws IllegalStateException for an index outside the cluster or more replicas on a node than it has
   */
  List<String> hostsFor(List<Integer> nodeIndices) {
    if (nodeIndices == null || nodeIndices.isEmpty()) return List.of();
    List<Integer> sorted = new ArrayList<>(nodeIndices);
    Collections.sort(sorted);
    List<String> out = new ArrayList<>(sorted.size());
    Map<Integer, Integer> perNode = new HashMap<>();
    for (int i : sorted) {
      if (i < 0 || i >= hostnames.size()) {
        throw new IllegalStateException("the policy placed a replica on node " + i + " of " + hostnames.size());
      }
      if (perNode.merge(i, 1, Integer::sum) > shape.capacity(i)) {
        throw new IllegalStateException("the policy placed more than " + shape.capacity(i) + " replicas on node " + i);
      }
      out.add(hostnames.get(i));
    }
    return out;
  }

  /**
   * The node indices of a job's current replicas, or empty when it has none or one of its nodes is
   * not in this round's cluster (it has to move anyway).
   */
  List<Integer> indicesOf(List<JobReplica> replicas) {
    List<Integer> out = new ArrayList<>(replicas.size());
    for (JobReplica r : replicas) {
      int i = hostnames.indexOf(r.hostname());
      if (i < 0) return List.of();
      out.add(i);
    }
    return out;
  }

  /** Whether two allocations put the same number of replicas on the same nodes (ranks aside). */
  static boolean sameNodes(List<String> a, List<String> b) {
    List<String> x = new ArrayList<>(a);
    List<String> y = new ArrayList<>(b);
    Collections.sort(x);
    Collections.sort(y);
    return x.equals(y);
  }
}
