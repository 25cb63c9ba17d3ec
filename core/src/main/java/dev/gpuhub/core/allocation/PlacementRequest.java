package dev.gpuhub.core.allocation;

import dev.gpuhub.core.placement.SelectionAlgorithm;
import dev.gpuhub.core.placement.SelectionRequest;
import dev.gpuhub.core.placement.Thresholds;
import dev.gpuhub.core.profile.GpuConstraint;
import dev.gpuhub.core.profile.Profile;
import java.util.List;
import java.util.Objects;

/**
 * A placement to decide: {@code count} distinct nodes, each holding {@code cpu} cores,
 * {@code memoryGb} GB, one container slot and {@code gpusPerNode} GPU devices for {@code owner}.
 *
 * @param owner          who will hold the reservations; one active placement per owner
 * @param profileName    for messages and display; may be null
 * @param cpu            cores per node
 * @param memoryGb       GB per node
 * @param gpusPerNode    GPU devices per node, 0 for CPU-only
 * @param count          distinct nodes, at least 1
 * @param thresholds     reported-usage limits a node must be under
 * @param policy         how to choose among nodes with room
 * @param preferredNodes nodes to use, primary first, when exactly {@code count} are given and all
 *                       have room; otherwise ignored (unless {@code preferredOnly})
 * @param preferredOnly  place on exactly {@code preferredNodes} or not at all (a planner decided them)
 * @param gpuConstraint  which devices count for {@code gpusPerNode} (model, memory); null = any
 * @param image          the image the work starts, or null: nodes that report having it are preferred
 */
public record PlacementRequest(String owner, String profileName, double cpu, double memoryGb, int gpusPerNode,
                               int count, Thresholds thresholds, PlacementPolicy policy,
                               List<String> preferredNodes, boolean preferredOnly, GpuConstraint gpuConstraint,
                               String image) {

  /** A request without an image preference. */
  public PlacementRequest(String owner, String profileName, double cpu, double memoryGb, int gpusPerNode, int count,
                          Thresholds thresholds, PlacementPolicy policy, List<String> preferredNodes, boolean preferredOnly,
                          GpuConstraint gpuConstraint) {
    this(owner, profileName, cpu, memoryGb, gpusPerNode, count, thresholds, policy, preferredNodes, preferredOnly,
        gpuConstraint, null);
  }

  /** This request preferring nodes that have {@code value}. */
  public PlacementRequest withImage(String value) {
    return new PlacementRequest(owner, profileName, cpu, memoryGb, gpusPerNode, count, thresholds, policy, preferredNodes,
        preferredOnly, gpuConstraint, value);
  }

  /** A request that takes any GPU. */
  public PlacementRequest(String owner, String profileName, double cpu, double memoryGb, int gpusPerNode, int count,
                          Thresholds thresholds, PlacementPolicy policy, List<String> preferredNodes, boolean preferredOnly) {
    this(owner, profileName, cpu, memoryGb, gpusPerNode, count, thresholds, policy, preferredNodes, preferredOnly,
        GpuConstraint.ANY);
  }

  /** A request whose preferred nodes are only a preference. */
  public PlacementRequest(String owner, String profileName, double cpu, double memoryGb, int gpusPerNode, int count,
                          Thresholds thresholds, PlacementPolicy policy, List<String> preferredNodes) {
    this(owner, profileName, cpu, memoryGb, gpusPerNode, count, thresholds, policy, preferredNodes, false);
  }

  public PlacementRequest {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(thresholds, "thresholds");
    Objects.requireNonNull(policy, "policy");
    if (count < 1) throw new IllegalArgumentException("num_nodes must be at least 1, was " + count);
    if (cpu < 0 || memoryGb < 0 || gpusPerNode < 0) {
      throw new IllegalArgumentException("cpu, memory and GPUs per node must be >= 0");
    }
    preferredNodes = preferredNodes == null ? List.of() : List.copyOf(preferredNodes);
    if (gpuConstraint == null) gpuConstraint = GpuConstraint.ANY;
    if (preferredOnly && preferredNodes.size() != count) {
      throw new IllegalArgumentException("placing on exactly the preferred nodes needs " + count + " of them, got "
          + preferredNodes.size());
    }
  }

  /**
   * A request for {@code count} nodes of {@code profile}: its per-node guaranteed cores and memory,
   * its GPUs per node and their constraint, its usage limits (or the strict ones), and its policy
   * unless {@code override} is given.
   */
  public static PlacementRequest forProfile(String owner, Profile profile, int count, boolean strict,
                                            PlacementPolicy override, List<String> preferred) {
    Thresholds limits = strict ? Thresholds.STRICT : new Thresholds(profile.maxCpuUsage(), profile.maxMemoryUsage(), null);
    PlacementPolicy policy = override != null ? override : PlacementPolicy.fromWireName(profile.placementPolicy());
    return new PlacementRequest(owner, profile.name(), profile.cpuGuarantee(), profile.memGuarantee(),
        profile.gpuCount(), count, limits, policy, preferred, false, profile.gpuConstraint());
  }

  /** Requests of one class wait in one FIFO queue: GPU requests apart from CPU-only ones. */
  public String queueClass() {
    return gpusPerNode > 0 ? "gpu" : "cpu";
  }

  /** The same request as the seed selector sees it (its filters and algorithms). */
  SelectionRequest asSelection() {
    SelectionAlgorithm algorithm = policy.seedAlgorithm() == null ? SelectionAlgorithm.BEST_FIT : policy.seedAlgorithm();
    return new SelectionRequest(profileName, gpusPerNode > 0, cpu, memoryGb, count, thresholds, algorithm);
  }
}
