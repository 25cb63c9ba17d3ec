package dev.gpuhub.core.placement;

import dev.gpuhub.core.profile.Profile;
import java.util.Objects;

/**
 * What a placement asks for: how many distinct nodes, with which per-node requirements.
 *
 * @param profileName    the profile's name for messages, or {@code null} for an ad-hoc request
 * @param gpuRequired    only nodes with at least one GPU qualify
 * @param cpuRequirement cores each node must have (0 for none)
 * @param ramRequirement GB of memory each node must have (0 for none)
 * @param count          number of distinct nodes wanted, at least 1
 * @param thresholds     usage limits a node must be under
 * @param algorithm      how to choose among the eligible nodes
 */
public record SelectionRequest(
    String profileName,
    boolean gpuRequired,
    double cpuRequirement,
    double ramRequirement,
    int count,
    Thresholds thresholds,
    SelectionAlgorithm algorithm) {

  public SelectionRequest {
    if (count < 1) throw new IllegalArgumentException("num_nodes must be at least 1, was " + count);
    Objects.requireNonNull(thresholds, "thresholds");
    Objects.requireNonNull(algorithm, "algorithm");
  }

  /** A request for {@code count} nodes of a profile, with the profile's own usage limits. */
  public static SelectionRequest forProfile(Profile p, int count, boolean strict, SelectionAlgorithm algorithm) {
    Thresholds limits = strict
        ? Thresholds.STRICT
        : new Thresholds(p.maxCpuUsage(), p.maxMemoryUsage(), null);
    return new SelectionRequest(p.name(), p.gpuRequired(), p.cpuGuarantee(), p.memGuarantee(),
        count, limits, algorithm);
  }
}
