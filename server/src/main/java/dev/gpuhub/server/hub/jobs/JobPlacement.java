package dev.gpuhub.server.hub.jobs;

import dev.gpuhub.core.allocation.PlacementPolicy;
import dev.gpuhub.core.allocation.PlacementRequest;
import dev.gpuhub.core.placement.Thresholds;
import java.util.List;
import java.util.OptionalLong;

/**
 * How a job's allocation maps to placement-engine reservations: one owner per replica,
 * {@code job:<id>/<rank>}, each holding one GPU device, one container slot and the replica's cores
 * and memory on exactly the node the scheduler chose. One reservation per container keeps the
 * engine's slot count exact (a node counts gpuhub's containers against its reservations) and lets
 * each reservation be bound to its own container; a job's replicas are released together.
 */
final class JobPlacement {
  /** Prefix of every job reservation owner. */
  static final String OWNER_PREFIX = "job:";
  /**
   * Jobs are placed by the scheduler's own decision, not by reported usage: only a node's slots,
   * cores, memory and free GPUs count.
   */
  static final Thresholds NO_USAGE_LIMIT = new Thresholds(100, 100, null);

  private JobPlacement() {}

  /** The reservation owner of a job's replica. */
  static String owner(long jobId, int rank) {
    return OWNER_PREFIX + jobId + "/" + rank;
  }

  static boolean isJobOwner(String owner) {
    return owner != null && owner.startsWith(OWNER_PREFIX);
  }

  /** The job id of a job reservation owner, empty for other owners or malformed ones. */
  static OptionalLong jobIdOf(String owner) {
    if (!isJobOwner(owner)) return OptionalLong.empty();
    String rest = owner.substring(OWNER_PREFIX.length());
    int slash = rest.indexOf('/');
    try {
      return OptionalLong.of(Long.parseLong(slash < 0 ? rest : rest.substring(0, slash)));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * The request for replica {@code rank} of job {@code jobId} on {@code hostname}. The engine takes
   * the preferred node when it has room and another one otherwise, so callers check
   * the node of what they got.
   */
  static PlacementRequest request(long jobId, int rank, String hostname, double cpu, double memoryGb) {
    return new PlacementRequest(owner(jobId, rank), "job " + jobId, cpu, memoryGb, 1, 1, NO_USAGE_LIMIT,
        PlacementPolicy.PACK, List.of(hostname));
  }
}
