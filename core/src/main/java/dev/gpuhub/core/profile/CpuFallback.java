package dev.gpuhub.core.profile;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The CPU profile a server moves to when its GPUs are given back: among the profiles in use
 * (not retired) that ask for no GPU and are open to the user, the one with the same node count
 * range whose cores are closest to the GPU profile's (ties: more memory, then the name). Pure.
 */
public final class CpuFallback {
  private CpuFallback() {}

  /**
   * @param gpuProfile the profile the server runs on
   * @param profiles   every profile
   * @param userGroups the user's groups (for group-limited profiles)
   * @return the profile to move to; empty when there is none
   */
  public static Optional<Profile> of(Profile gpuProfile, List<Profile> profiles, Collection<String> userGroups) {
    return profiles.stream()
        .filter(p -> !p.retired() && p.gpuCount() == 0 && p.openTo(userGroups))
        .filter(p -> p.minNodes() <= gpuProfile.minNodes() && p.maxNodes() >= gpuProfile.minNodes())
        .min(Comparator.<Profile>comparingDouble(p -> Math.abs(p.cpuGuarantee() - gpuProfile.cpuGuarantee()))
            .thenComparing(Comparator.comparingDouble(Profile::memGuarantee).reversed())
            .thenComparing(Profile::name));
  }
}
