package dev.gpuhub.server.workload;

import dev.gpuhub.wire.node.ContainerRequest;
import dev.gpuhub.wire.node.ContainerView;
import java.util.List;
import java.util.Optional;

/**
 * The control plane's view of a node's agent: the only way containers are started on a node.
 * Implementations must throw {@link AgentCallException} (never another exception) when the agent
 * cannot be reached or answers an error; the message names the node.
 */
public interface AgentClient {
  /** Starts the container; returns its id. */
  String start(AgentEndpoint node, ContainerRequest request);

  /** The container, or empty when the agent does not know it. */
  Optional<ContainerView> inspect(AgentEndpoint node, String idOrName);

  /** Every gpuhub container on the node carrying label {@code labelKey}, running or not. */
  List<ContainerView> list(AgentEndpoint node, String labelKey);

  /** Stops and removes the container; a missing one is not an error. */
  void remove(AgentEndpoint node, String idOrName);

  /** The last {@code lines} lines of the container's output, or a note saying why there are none (never throws). */
  String logs(AgentEndpoint node, String idOrName, int lines);

  /** One of gpuhub's named volumes on a node: its name, bytes (-1 unknown) and last change (null unknown). */
  record StoredVolume(String name, long sizeBytes, java.time.Instant modified) {}

  /** gpuhub's named volumes on the node (users' homes) with their sizes. */
  default List<StoredVolume> volumes(AgentEndpoint node) {
    return List.of();
  }

  /**
   * gpuhub's volume {@code name} on the node with its size, or empty when it has none.
   *
   * @throws AgentCallException when the node cannot be asked
   */
  default Optional<StoredVolume> volume(AgentEndpoint node, String name) {
    return volumes(node).stream().filter(v -> v.name().equals(name)).findFirst();
  }

  /**
   * Removes gpuhub's named volume {@code name} on the node: a user's files, for an administrator's
   * confirmed request only. Returns false when there was none.
   *
   * @throws AgentCallException when the node cannot be asked or the volume is in use
   */
  default boolean removeVolume(AgentEndpoint node, String name) {
    return false;
  }

  /**
   * The files of gpuhub's volume {@code name} on the node as a tar stream (the caller closes it),
   * or empty when the node has no such volume.
   *
   * @throws AgentCallException when the node cannot be asked
   */
  default Optional<java.io.InputStream> exportVolume(AgentEndpoint node, String name) {
    return Optional.empty();
  }

  /**
   * Writes {@code tar} (as {@link #exportVolume} reads it from another node) into gpuhub's volume
   * {@code name} on the node, creating it when missing.
   *
   * @throws AgentCallException when the node cannot be asked, the stream breaks or the node refuses
   */
  default void importVolume(AgentEndpoint node, String name, java.io.InputStream tar) {
    throw new AgentCallException("this agent client cannot write volumes to " + node.hostname());
  }

  /**
   * What gpuhub's volume {@code name} on the node holds, file by file with checksums, or empty when
   * the node has no such volume.
   *
   * @throws AgentCallException when the node cannot be asked
   */
  default Optional<dev.gpuhub.wire.node.VolumeManifest> volumeManifest(AgentEndpoint node, String name) {
    return Optional.empty();
  }

  /**
   * Pulls {@code image} onto the node, telling {@code progress} how far it has come; returns once
   * the node has it. An exception {@code progress} throws stops following the pull (the node
   * finishes it anyway).
   *
   * @throws AgentCallException when the node cannot be asked, or its registry or Docker refused
   */
  default void pullImage(AgentEndpoint node, String image, java.util.function.Consumer<dev.gpuhub.core.node.PullProgress> progress) {
    throw new AgentCallException("this agent client cannot pull images onto " + node.hostname());
  }
}
