package dev.gpuhub.server.hub.spawn;

import java.time.Instant;
import java.util.List;

/** Servers in a state, for tests of code that reads the spawner's servers. */
public final class TestServers {
  private TestServers() {}

  /** {@code user}'s server of {@code profile}, running on one node. */
  public static ActiveServer running(String user, String profile) {
    return new ActiveServer(new ActiveServer.Snapshot(user, "", profile, "img", List.of("n1"), "n1", "10.0.0.1", 15003,
        "c-" + user, 20000, "t", ServerState.RUNNING, Instant.EPOCH, null));
  }
}
