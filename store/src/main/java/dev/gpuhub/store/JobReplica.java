package dev.gpuhub.store;

import java.util.List;
import java.util.Objects;

/**
 * One replica of a running training job: the node it runs on, the GPU devices it holds and its
 * container.
 *
 * @param rank        0 .. world size - 1; rank 0 is the master
 * @param hostname    the node
 * @param gpuUuids    the GPU devices its reservation holds (one per replica)
 * @param containerId its container; null until started
 */
public record JobReplica(int rank, String hostname, List<String> gpuUuids, String containerId) {
  public JobReplica {
    Objects.requireNonNull(hostname, "hostname");
    if (rank < 0) throw new IllegalArgumentException("rank must be >= 0, was " + rank);
    gpuUuids = gpuUuids == null ? List.of() : List.copyOf(gpuUuids);
  }

  public JobReplica withContainer(String id) {
    return new JobReplica(rank, hostname, gpuUuids, id);
  }
}
