package dev.gpuhub.store;

import java.util.Locale;

/**
 * Where a user's Jupyter server is in its life, as stored in {@code hub_servers.state}
 * (lower-case names):
 *
 * <pre>
 *   PENDING ──► RUNNING ──► STOPPING ──► STOPPED
 *      │                        │
 *      └───────► FAILED ◄───────┘
 * </pre>
 *
 * The spawner owns the transitions; the store records whatever state it is given.
 */
public enum HubServerState {
  /** Asked for; the container is being started or the server has not answered yet. */
  PENDING,
  /** The server answered; requests are routed to it. */
  RUNNING,
  /** Stop was asked for; the container is being removed. */
  STOPPING,
  /** Stopped on purpose; nothing is left running. */
  STOPPED,
  /** Start or stop failed; {@code failure_reason} says why. */
  FAILED;

  /** Whether a container may exist for a server in this state (pending, running or stopping). */
  public boolean mayHoldContainer() {
    return this == PENDING || this == RUNNING || this == STOPPING;
  }

  /** The value stored in the database. */
  public String dbValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The state stored as {@code value}.
   *
   * @throws IllegalArgumentException for a value no state stores
   */
  public static HubServerState fromDb(String value) {
    for (HubServerState s : values()) {
      if (s.dbValue().equals(value)) return s;
    }
    throw new IllegalArgumentException("unknown hub server state '" + value + "' in hub_servers");
  }
}
