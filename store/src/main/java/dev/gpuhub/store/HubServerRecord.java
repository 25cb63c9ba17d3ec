package dev.gpuhub.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A user's Jupyter server as stored in {@code hub_servers}; a user has at most one server per
 * {@code name} ({@code ""} is the default server).
 *
 * @param id              assigned by the store; ignored by {@link HubRepository#createServer}
 * @param userId          the owner ({@code hub_users.id})
 * @param userName        the owner's name, filled in by the store on reads; ignored on writes
 * @param name            the server's name, {@code ""} for the default server
 * @param profileName     the profile it was started with; may be null
 * @param image           the container image; may be null until chosen
 * @param nodeHostnames   the nodes selected for it, primary first; never null
 * @param primaryHostname the node its container runs on; may be null until placed
 * @param containerId     the runtime's container id; null until the container exists
 * @param containerName   the container's name; may be null
 * @param urlPath         where the proxy serves it, e.g. {@code /user/alice/}
 * @param port            the port the server listens on at the primary node; null until known
 * @param serverToken     the per-server secret the proxy adds to requests; never logged
 * @param state           where it is in its life
 * @param startedAt       when the start was asked for
 * @param lastActivity    the latest request through the proxy; null before the first
 * @param stoppedAt       when it reached STOPPED or FAILED; null before
 * @param failureReason   why it FAILED, for the user; null otherwise
 */
public record HubServerRecord(long id, long userId, String userName, String name,
                              String profileName, String image, List<String> nodeHostnames,
                              String primaryHostname, String containerId, String containerName,
                              String urlPath, Integer port, String serverToken,
                              HubServerState state, Instant startedAt, Instant lastActivity,
                              Instant stoppedAt, String failureReason) {

  public HubServerRecord {
    name = name == null ? "" : name;
    nodeHostnames = nodeHostnames == null ? List.of() : List.copyOf(nodeHostnames);
    Objects.requireNonNull(state, "state");
  }

  /** A new PENDING server of {@code userId}, to pass to {@link HubRepository#createServer}. */
  public static HubServerRecord pending(long userId, String name, String profileName, String image,
      List<String> nodeHostnames, String urlPath, String serverToken, Instant startedAt) {
    String primary = nodeHostnames == null || nodeHostnames.isEmpty() ? null : nodeHostnames.get(0);
    return new HubServerRecord(0, userId, null, name, profileName, image, nodeHostnames, primary,
        null, null, urlPath, null, serverToken, HubServerState.PENDING, startedAt, null, null, null);
  }

  /** This server with its container known (id, name and the port it listens on). */
  public HubServerRecord withContainer(String containerId, String containerName, Integer port) {
    return new HubServerRecord(id, userId, userName, name, profileName, image, nodeHostnames,
        primaryHostname, containerId, containerName, urlPath, port, serverToken, state, startedAt,
        lastActivity, stoppedAt, failureReason);
  }

  /** This server in another state; {@code stoppedAt} and {@code failureReason} as given. */
  public HubServerRecord withState(HubServerState newState, Instant newStoppedAt,
      String newFailureReason) {
    return new HubServerRecord(id, userId, userName, name, profileName, image, nodeHostnames,
        primaryHostname, containerId, containerName, urlPath, port, serverToken, newState,
        startedAt, lastActivity, newStoppedAt, newFailureReason);
  }

  /** Never prints the server token. */
  @Override
  public String toString() {
    return "HubServerRecord[id=" + id + ", user=" + (userName != null ? userName : "#" + userId)
        + ", name='" + name + "', state=" + state + ", profile=" + profileName + ", image=" + image
        + ", nodes=" + nodeHostnames + ", container=" + containerId + ", port=" + port
        + ", urlPath=" + urlPath + ", serverToken=" + (serverToken == null ? "none" : "set")
        + ", startedAt=" + startedAt + ", lastActivity=" + lastActivity + ", stoppedAt=" + stoppedAt
        + ", failureReason=" + failureReason + "]";
  }
}
