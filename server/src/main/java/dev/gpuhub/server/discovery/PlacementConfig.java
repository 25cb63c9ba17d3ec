package dev.gpuhub.server.discovery;

import dev.gpuhub.core.allocation.Overcommit;
import dev.gpuhub.core.allocation.PlacementPolicy;
import dev.gpuhub.core.config.EnvReader;
import java.time.Duration;
import java.util.Map;

/**
 * Placement settings.
 *
 * @param overcommit    share of cores / memory that may be reserved ({@code GPUHUB_CPU_OVERCOMMIT},
 *                      {@code GPUHUB_MEMORY_OVERCOMMIT}; default 1 = never more than the node has)
 * @param holdTimeout   a reservation nothing started on lapses after this
 *                      ({@code GPUHUB_RESERVATION_HOLD_SECONDS}, default 300)
 * @param queueMaxWait  a spawn that finds no room waits at most this long in the queue
 *                      ({@code GPUHUB_QUEUE_MAX_WAIT_SECONDS}, default 1800)
 * @param tickInterval  how often lapsed reservations and queue waits are checked and the queue is
 *                      served ({@code GPUHUB_PLACEMENT_TICK_MILLIS}, default 1000)
 * @param defaultPolicy policy for profiles without one ({@code GPUHUB_PLACEMENT_POLICY}, default spread)
 */
public record PlacementConfig(Overcommit overcommit, Duration holdTimeout, Duration queueMaxWait,
                              Duration tickInterval, PlacementPolicy defaultPolicy) {

  public static final int DEFAULT_HOLD_SECONDS = 300;
  public static final int DEFAULT_QUEUE_MAX_WAIT_SECONDS = 1800;

  public static PlacementConfig defaults() {
    return fromEnv(Map.of());
  }

  /** @throws IllegalArgumentException naming the variable that is invalid */
  public static PlacementConfig fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    PlacementPolicy policy;
    try {
      policy = PlacementPolicy.fromWireName(r.string("GPUHUB_PLACEMENT_POLICY", PlacementPolicy.DEFAULT.wireName()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("GPUHUB_PLACEMENT_POLICY: " + e.getMessage());
    }
    return new PlacementConfig(
        new Overcommit(r.decimal("GPUHUB_CPU_OVERCOMMIT", 1, 1, 100), r.decimal("GPUHUB_MEMORY_OVERCOMMIT", 1, 1, 100)),
        Duration.ofSeconds(r.integer("GPUHUB_RESERVATION_HOLD_SECONDS", DEFAULT_HOLD_SECONDS, 5, 86_400)),
        Duration.ofSeconds(r.integer("GPUHUB_QUEUE_MAX_WAIT_SECONDS", DEFAULT_QUEUE_MAX_WAIT_SECONDS, 1, 7 * 86_400)),
        Duration.ofMillis(r.integer("GPUHUB_PLACEMENT_TICK_MILLIS", 1000, 10, 60_000)),
        policy);
  }
}
