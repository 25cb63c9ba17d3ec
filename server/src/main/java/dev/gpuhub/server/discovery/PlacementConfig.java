package dev.gpuhub.server.discovery;

import dev.gpuhub.core.allocation.PlacementPolicy;
import dev.gpuhub.core.config.EnvReader;
import java.time.Duration;
import java.util.Map;

/**
 * Placement settings.
 *
 * @param holdTimeout   a reservation nothing started on lapses after this
 *                      ({@code GPUHUB_RESERVATION_HOLD_SECONDS}, default 300)
 * @param queueMaxWait  a spawn that finds no room waits at most this long in the queue
 *                      ({@code GPUHUB_QUEUE_MAX_WAIT_SECONDS}, default 1800)
 * @param tickInterval  how often lapsed reservations and queue waits are checked and the queue is
 *                      served ({@code GPUHUB_PLACEMENT_TICK_MILLIS}, default 1000)
 * @param defaultPolicy policy for profiles without one ({@code GPUHUB_PLACEMENT_POLICY}, default spread)
 *
 * <p>Placement never reserves more cores or memory than a node has: profiles' guarantees are what
 * is reserved, their limits what a container may use. The first release's global overcommit
 * ratios ({@link #REMOVED}) are refused with the way to migrate.
 */
public record PlacementConfig(Duration holdTimeout, Duration queueMaxWait,
                              Duration tickInterval, PlacementPolicy defaultPolicy) {

  /** The first release's cpu overcommit ratio: gone, a startup error saying what replaces it. */
  static final String CPU_OVERCOMMIT = "GPUHUB_CPU_OVERCOMMIT";
  /** The first release's memory overcommit ratio: gone, likewise. */
  static final String MEMORY_OVERCOMMIT = "GPUHUB_MEMORY_OVERCOMMIT";
  /** Variables of the first release that are gone. */
  public static final java.util.List<String> REMOVED = java.util.List.of(CPU_OVERCOMMIT, MEMORY_OVERCOMMIT);
  public static final int DEFAULT_HOLD_SECONDS = 300;
  public static final int DEFAULT_QUEUE_MAX_WAIT_SECONDS = 1800;

  public static PlacementConfig defaults() {
    return fromEnv(Map.of());
  }

  private static void refuseRemoved(String gone, String value) {
    if (value != null && !value.isBlank()) {
      throw new IllegalArgumentException(gone + " was removed: placement now reserves each profile's guarantees"
          + " (cpu_guarantee, mem_guarantee) and limits containers to its limits (cpu_limit, mem_limit); to seat more"
          + " servers per node, lower the guarantees of the profiles (for a ratio r, guarantee = limit / r) and unset "
          + gone + " (see the administrator guide, 'Guarantees and limits')");
    }
  }

  /** @throws IllegalArgumentException naming the variable that is invalid */
  public static PlacementConfig fromEnv(Map<String, String> env) {
    refuseRemoved(CPU_OVERCOMMIT, env.get(CPU_OVERCOMMIT));
    refuseRemoved(MEMORY_OVERCOMMIT, env.get(MEMORY_OVERCOMMIT));
    EnvReader r = new EnvReader(env);
    PlacementPolicy policy;
    try {
      policy = PlacementPolicy.fromWireName(r.string("GPUHUB_PLACEMENT_POLICY", PlacementPolicy.DEFAULT.wireName()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("GPUHUB_PLACEMENT_POLICY: " + e.getMessage());
    }
    return new PlacementConfig(
        Duration.ofSeconds(r.integer("GPUHUB_RESERVATION_HOLD_SECONDS", DEFAULT_HOLD_SECONDS, 5, 86_400)),
        Duration.ofSeconds(r.integer("GPUHUB_QUEUE_MAX_WAIT_SECONDS", DEFAULT_QUEUE_MAX_WAIT_SECONDS, 1, 7 * 86_400)),
        Duration.ofMillis(r.integer("GPUHUB_PLACEMENT_TICK_MILLIS", 1000, 10, 60_000)),
        policy);
  }
}
