package dev.gpuhub.server.hub.spawn;

import java.util.List;

/**
 * Durable record of users' servers, so a restarted hub can adopt what still runs. Implementations
 * are thread-safe; failures are logged by the caller and never undo a spawn or a stop.
 */
public interface ServerLedger {
  /**
   * Records that a server was asked for (state PENDING, its profile, image and when): a start a
   * restart of the hub interrupts is resumed from it ({@link #pendingServers()}).
   */
  default void requested(ActiveServer.Snapshot server) {}

  /** Servers recorded as asked for and neither running nor ended, oldest request first. */
  default List<ActiveServer.Snapshot> pendingServers() {
    return List.of();
  }

  /** Records (or replaces) the user's running server. */
  void running(ActiveServer.Snapshot server);

  /** Records that a server ended, with a reason for FAILED. */
  void ended(dev.gpuhub.core.hub.ServerId server, ServerState state, String reason);

  /** Servers recorded as running, for adoption after a restart. */
  List<ActiveServer.Snapshot> runningServers();

  /**
   * The nodes the user's most recently started server ran on, primary first (where their home
   * volumes are); empty when none is known.
   */
  default List<String> lastNodes(String user) {
    return List.of();
  }

  /** A ledger that remembers nothing (tests, or a hub without a durable store). */
  ServerLedger NONE = new ServerLedger() {
    @Override
    public void running(ActiveServer.Snapshot server) {}

    @Override
    public void ended(dev.gpuhub.core.hub.ServerId server, ServerState state, String reason) {}

    @Override
    public List<ActiveServer.Snapshot> runningServers() {
      return List.of();
    }
  };
}
