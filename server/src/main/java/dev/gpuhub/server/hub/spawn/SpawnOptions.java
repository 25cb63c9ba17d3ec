package dev.gpuhub.server.hub.spawn;

import java.util.List;

/**
 * What a user asked for; nulls take the profile's defaults. {@code preferredNodes} (primary first)
 * are used when they are all still eligible and as many as needed; otherwise nodes are chosen anew.
 */
public record SpawnOptions(String profile, String image, Integer nodeCount, List<String> preferredNodes, String home) {
  public SpawnOptions(String profile, String image, Integer nodeCount) {
    this(profile, image, nodeCount, List.of(), null);
  }

  public SpawnOptions(String profile, String image, Integer nodeCount, List<String> preferredNodes) {
    this(profile, image, nodeCount, preferredNodes, null);
  }

  /** {@code home}: what to do when the node holding the user's home is not reporting: null (ask), "wait" or "scratch". */
  public SpawnOptions {
    preferredNodes = preferredNodes == null ? List.of() : List.copyOf(preferredNodes);
  }
}
