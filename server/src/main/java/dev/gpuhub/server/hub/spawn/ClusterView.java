package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.server.discovery.DiscoveryService;
import dev.gpuhub.server.discovery.PlacementConfig;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the spawner reads of the cluster: profiles by name, the live nodes, and the placement
 * settings its requests are made with.
 */
public record ClusterView(Function<String, Optional<Profile>> profiles, Supplier<List<NodeReport>> liveNodes,
                          PlacementConfig placement, boolean strict) {
  /** The view the discovery service gives. */
  public static ClusterView of(DiscoveryService discovery) {
    return new ClusterView(discovery::profile, discovery::liveNodes, discovery.placementConfig(), discovery.strictDefault());
  }
}
