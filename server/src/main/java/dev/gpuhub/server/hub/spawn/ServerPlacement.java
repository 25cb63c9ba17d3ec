package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.allocation.Placement;
import dev.gpuhub.core.allocation.PlacementEngine;
import dev.gpuhub.core.allocation.PlacementPolicy;
import dev.gpuhub.core.allocation.PlacementRequest;
import dev.gpuhub.core.allocation.PlacementTicket;
import dev.gpuhub.core.allocation.QueueEntry;
import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.server.discovery.PlacementConfig;
import dev.gpuhub.server.workload.LaunchException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Takes a server's reservations through the placement engine, waiting in its queue while there is
 * no room and reporting the position as progress; fails when the wait runs out or the user
 * cancels (the server leaves PENDING).
 */
final class ServerPlacement {
  private final PlacementEngine engine;
  private final PlacementConfig config;
  private final boolean strict;

  ServerPlacement(PlacementEngine engine, PlacementConfig config, boolean strict) {
    this.engine = engine;
    this.config = config;
    this.strict = strict;
  }

  /** The request a server of {@code profile} on {@code count} nodes makes (the options form previews the same). */
  PlacementRequest request(String owner, Profile profile, int count, List<String> preferred) {
    PlacementPolicy override = profile.placementPolicy() == null ? config.defaultPolicy() : null;
    return PlacementRequest.forProfile(owner, profile, count, strict, override, preferred);
  }

  /**
   * The server's placement, once there is room; a database that cannot record it is waited for
   * ({@link dev.gpuhub.server.workload.StoreRetry#PATIENCE}), the user told so once.
   *
   * @throws LaunchException when cancelled or interrupted while waiting
   * @throws RuntimeException the engine's own refusal (e.g. it could never fit, or the wait ran out)
   */
  Placement place(ActiveServer server, Profile profile, int count, List<String> preferred) {
    boolean[] told = {false};
    return dev.gpuhub.server.workload.StoreRetry.within(dev.gpuhub.server.workload.StoreRetry.PATIENCE,
        () -> placeOnce(server, profile, count, preferred), e -> {
          if (server.snapshot().state() != ServerState.PENDING) throw new LaunchException("cancelled while waiting for room");
          if (!told[0]) {
            server.progress().append(ProgressEvent.step(10, "The hub's database is unavailable for a moment; your start"
                + " waits for it"));
            told[0] = true;
          }
        });
  }

  private Placement placeOnce(ActiveServer server, Profile profile, int count, List<String> preferred) {
    String owner = Spawner.owner(server.snapshot().id());
    PlacementTicket ticket = engine.submit(request(owner, profile, count, preferred).withImage(server.snapshot().image()),
        config.queueMaxWait(), server.snapshot().startedAt()); // its place in the queue: when the user asked
    QueueEntry shown = null;
    while (true) {
      try {
        return ticket.result().get(1, TimeUnit.SECONDS);
      } catch (TimeoutException stillQueued) {
        if (server.snapshot().state() != ServerState.PENDING) {
          engine.release(owner);
          throw new LaunchException("cancelled while waiting for room");
        }
        QueueEntry q = engine.queued(owner).orElse(null);
        if (q != null && (shown == null || q.position() != shown.position()
            || !Objects.equals(q.estimatedSeconds(), shown.estimatedSeconds()))) {
          server.progress().append(ProgressEvent.queued(q));
          shown = q;
        }
      } catch (CancellationException e) {
        throw new LaunchException("cancelled while waiting for room");
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) throw r;
        throw new LaunchException(String.valueOf(e.getCause()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        engine.release(owner);
        throw new LaunchException("interrupted while waiting for room");
      }
    }
  }
}
