package dev.gpuhub.server.hub.spawn;

import java.time.Duration;

/** What the spawner tells about starts, for metrics. Implementations must not throw. */
public interface SpawnObserver {
  /** Hears nothing. */
  SpawnObserver NONE = new SpawnObserver() { };

  /** A server was placed {@code took} after it was asked for (queue wait included). */
  default void placed(Duration took) { }

  /** A start ended {@code took} after it was asked for: the server answered, or not. */
  default void ended(boolean success, Duration took) { }
}
