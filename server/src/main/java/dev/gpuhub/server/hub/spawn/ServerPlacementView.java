package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.allocation.NodeAllocation;
import dev.gpuhub.core.allocation.PlacementEngine;
import dev.gpuhub.core.allocation.PlacementPreview;
import dev.gpuhub.core.allocation.QueueEntry;
import dev.gpuhub.core.allocation.Reservation;
import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.server.workload.Labels;
import java.util.List;
import java.util.Optional;

/**
 * What the placement engine says of users' servers, reserving nothing: where a server would go (the
 * options form's plan, with the request a start would make), what it would run on each node, the
 * nodes' capacity, queue positions and reservations. Thread-safe as the engine is.
 */
public final class ServerPlacementView {
  private final PlacementEngine engine;
  private final ServerPlacement placement;
  private final HomePlacement homes;
  private final SpawnerConfig config;

  ServerPlacementView(PlacementEngine engine, ServerPlacement placement, HomePlacement homes, SpawnerConfig config) {
    this.engine = engine;
    this.placement = placement;
    this.homes = homes;
    this.config = config;
  }

  /**
   * Where a server of {@code profile} on {@code nodeCount} nodes would go now, decided by the
   * placement engine with the request a spawn would make, reserving nothing.
   */
  public PlacementPreview preview(Profile profile, int nodeCount) {
    return engine.preview(placement.request(Labels.SERVER_OWNER + "preview", profile, nodeCount, List.of()));
  }

  /** As {@link #preview(Profile, int)} for {@code user}: the request a start would make, their home's nodes preferred. */
  public PlacementPreview preview(String user, Profile profile, int nodeCount) {
    return engine.preview(placement.request(Labels.SERVER_OWNER + "preview", profile, nodeCount,
        homes.preference(user, nodeCount)));
  }

  /** What a server of {@code profile} would run on each of {@code nodes} (primary first). */
  public List<ServerLayout.NodeParts> layout(Profile profile, List<String> nodes) {
    return ServerLayout.of(nodes, config.workerModes().containsKey(profile.name()));
  }

  /** Every live node's capacity against its reservations. */
  public List<NodeAllocation> allocations() {
    return engine.allocations();
  }

  /** How many requests wait for room, all classes together. */
  public int queueLength() {
    return engine.queue().size();
  }

  /** The server's queued spawn, if it waits for room. */
  public Optional<QueueEntry> queued(dev.gpuhub.core.hub.ServerId id) {
    return engine.queued(Spawner.owner(id));
  }

  /** What the server holds, primary first. */
  public List<Reservation> reservations(dev.gpuhub.core.hub.ServerId id) {
    return engine.reservationsOf(Spawner.owner(id));
  }
}
