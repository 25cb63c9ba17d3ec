package dev.gpuhub.server.hub.spawn;

import java.util.EnumSet;
import java.util.Set;

/**
 * Lifecycle of a user's server, written down once:
 *
 * <pre>
 *   PENDING ──ready──> RUNNING ──stop/cull──> STOPPING ──> STOPPED
 *      │                  │
 *      └──fails/timeout───┴──container gone──> FAILED (reason kept)
 * </pre>
 *
 * A user has at most one server that is PENDING, RUNNING or STOPPING.
 */
public enum ServerState {
  PENDING, RUNNING, STOPPING, STOPPED, FAILED;

  /** States from which this one may be entered. */
  private Set<ServerState> from() {
    return switch (this) {
      case PENDING -> EnumSet.of(STOPPED, FAILED);
      case RUNNING -> EnumSet.of(PENDING);
      case STOPPING -> EnumSet.of(PENDING, RUNNING);
      case STOPPED -> EnumSet.of(STOPPING);
      case FAILED -> EnumSet.of(PENDING, RUNNING, STOPPING);
    };
  }

  /** Whether a server in {@code current} may move to this state. */
  public boolean canFollow(ServerState current) {
    return from().contains(current);
  }

  /** PENDING, RUNNING and STOPPING hold resources; STOPPED and FAILED do not. */
  public boolean isActive() {
    return this == PENDING || this == RUNNING || this == STOPPING;
  }
}
