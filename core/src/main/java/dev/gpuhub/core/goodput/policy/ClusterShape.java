package dev.gpuhub.core.goodput.policy;

/** A homogeneous GPU cluster as policies see it: {@code nodes} × {@code gpusPerNode}. */
public record ClusterShape(int nodes, int gpusPerNode) {
  public ClusterShape {
    if (nodes < 0 || gpusPerNode < 1) throw new IllegalArgumentException("need nodes >= 0 and gpus per node >= 1");
  }

  public int totalGpus() {
    return nodes * gpusPerNode;
  }
}
