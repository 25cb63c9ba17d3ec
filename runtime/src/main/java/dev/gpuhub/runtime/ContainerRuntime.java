package dev.gpuhub.runtime;

import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The container engine of one node, as the agent sees it.
 *
 * <p>Implementations talk to one daemon (Docker today) and must be safe to call from several
 * threads. Every method that talks to the daemon throws {@link RuntimeUnavailableException} when the
 * daemon cannot be reached or does not answer in time; queries answer within a few seconds,
 * lifecycle calls within their own bound (a stop waits for its grace period). {@code idOrName} is a
 * full container id, an unambiguous id prefix, or a container name.
 *
 * <ul>
 *   <li>{@link #listRunning()}: the containers running now (never {@code null}, empty when none
 *       run); never a partial list.
 *   <li>{@link #listByLabel(String)}: every container, running or stopped, that carries label
 *       {@code key} with any value.
 *   <li>{@link #start(ContainerSpec)}: creates and starts a container on the host network with the
 *       spec's limits and GPUs, and returns its full id. The image must already be on the node.
 *       On failure it throws {@link ContainerStartException} and leaves no container behind
 *       (a container that was created but did not start is force-removed).
 *   <li>{@link #inspect(String)}: the container's details, or empty when there is no such container.
 *   <li>{@link #stop(String, Duration)}: asks the container to stop (SIGTERM), kills it after
 *       {@code grace}, returns once it has stopped. Stopping a stopped or missing container does
 *       nothing (idempotent).
 *   <li>{@link #remove(String)}: force-removes the container (killing it if it runs) with its
 *       anonymous volumes; {@code true} when one was removed, {@code false} when none existed.
 *   <li>{@link #logsTail(String, int)}: the last lines of the container's stdout and stderr, for
 *       error messages; {@link NoSuchElementException} when there is no such container.
 *   <li>{@link #ping()}: {@code true} when the daemon answers, {@code false} otherwise; never throws.
 *   <li>{@link #describe()}: a one-line description for logs and errors, such as
 *       {@code "docker at unix:///var/run/docker.sock"}; no I/O.
 *   <li>{@link #close()}: releases connections; never throws and may be called twice.
 * </ul>
 */
public interface ContainerRuntime extends AutoCloseable {
  /** Longest grace period {@link #stop} accepts. */
  Duration MAX_STOP_GRACE = Duration.ofSeconds(60);
  /** Most lines {@link #logsTail} returns. */
  int MAX_LOG_LINES = 10_000;

  /**
   * The containers running now.
   *
   * @throws RuntimeUnavailableException when the daemon cannot be reached or answers with an error
   */
  List<ContainerSummary> listRunning();

  /** Most image references {@link #images()} lists. */
  int MAX_IMAGES = 500;

  /**
   * The image references ({@code repository:tag}) present on the node, sorted, at most
   * {@link #MAX_IMAGES} (empty when it has none); null when the runtime cannot tell (any image
   * counts as present then).
   *
   * @throws RuntimeUnavailableException when the daemon cannot be reached or answers with an error
   */
  default List<String> images() {
    return null;
  }

  /**
   * Pulls {@code reference} ({@code [registry/]repository[:tag|@digest]}, the tag {@code latest}
   * when none) onto the node, telling {@code progress} how far it has come as layers download;
   * returns once the image is present.
   *
   * @throws ImagePullException naming why the registry or the daemon could not deliver it
   * @throws RuntimeUnavailableException when the daemon cannot be reached
   * @throws UnsupportedOperationException when this runtime cannot pull
   */
  default void pullImage(String reference, java.util.function.Consumer<dev.gpuhub.core.node.PullProgress> progress) {
    throw new UnsupportedOperationException("this node cannot pull images (" + describe() + ")");
  }

  /**
   * Every container, running or stopped, carrying label {@code key} (any value).
   *
   * @throws IllegalArgumentException when {@code key} is blank
   * @throws RuntimeUnavailableException when the daemon cannot be reached or answers with an error
   */
  List<ContainerSummary> listByLabel(String key);

  /**
   * Creates and starts a container as {@code spec} says and returns its full id. Containers run on
   * the host network, with an init process as PID 1 (signals reach the command, zombies are
   * reaped). A spec with GPUs gets exactly those devices (NVIDIA device request and
   * {@code NVIDIA_VISIBLE_DEVICES=<uuids>}); a spec without gets none ({@code NVIDIA_VISIBLE_DEVICES=void},
   * overriding images that default to all GPUs).
   *
   * @throws ContainerStartException with {@link ContainerStartException.Reason#IMAGE_NOT_FOUND} when the
   *     image is not on this node, {@link ContainerStartException.Reason#NAME_IN_USE} when the name is
   *     taken, {@link ContainerStartException.Reason#FAILED} with the daemon's reason otherwise; in every
   *     case no container of this spec is left behind
   * @throws RuntimeUnavailableException when the daemon cannot be reached
   */
  String start(ContainerSpec spec);

  /**
   * The container's details, or empty when there is no such container.
   *
   * @throws RuntimeUnavailableException when the daemon cannot be reached or answers with an error
   */
  Optional<ContainerInfo> inspect(String idOrName);

  /**
   * Stops the container: SIGTERM, then SIGKILL after {@code grace}; returns once it is stopped. A
   * stopped or missing container is left as it is.
   *
   * @throws IllegalArgumentException when {@code grace} is negative or longer than {@link #MAX_STOP_GRACE}
   * @throws RuntimeUnavailableException when the daemon cannot be reached or refuses
   */
  void stop(String idOrName, Duration grace);

  /**
   * Force-removes the container and its anonymous volumes, killing it if it runs.
   *
   * @return {@code true} when a container was removed, {@code false} when there was none
   * @throws RuntimeUnavailableException when the daemon cannot be reached or refuses
   */
  boolean remove(String idOrName);

  /**
   * The last {@code lines} lines of the container's stdout and stderr, interleaved as written.
   *
   * @throws IllegalArgumentException when {@code lines} is not in 1..{@link #MAX_LOG_LINES}
   * @throws NoSuchElementException when there is no such container
   * @throws RuntimeUnavailableException when the daemon cannot be reached or answers with an error
   */
  String logsTail(String idOrName, int lines);

  /** True when the daemon answers right now; never throws. */
  boolean ping();

  /** A one-line description of this runtime and where its daemon is, for logs; no I/O. */
  String describe();

  /** Releases connections to the daemon; never throws. */
  @Override
  default void close() {}

  /** gpuhub's named volumes on this node with their sizes (none where the runtime has no volumes). */
  default List<StoredVolume> volumes() {
    return List.of();
  }

  /** gpuhub's named volume {@code name} with its size, or empty when the node has none of that name. */
  default java.util.Optional<StoredVolume> volume(String name) {
    return volumes().stream().filter(v -> v.name().equals(name)).findFirst();
  }

  /** The directory under which {@link #exportVolume} puts a volume's files in its archive. */
  String VOLUME_ARCHIVE_ROOT = "data";

  /**
   * The files of gpuhub's named volume {@code name} as a tar stream, every entry under
   * {@value #VOLUME_ARCHIVE_ROOT}{@code /} with its owner and mode, as {@link #importVolume} takes
   * it; the caller closes it.
   *
   * @throws java.util.NoSuchElementException when the node has no gpuhub volume of that name
   * @throws RuntimeUnavailableException when the daemon cannot be reached or answers with an error
   */
  default java.io.InputStream exportVolume(String name) {
    throw new java.util.NoSuchElementException("this node keeps no volumes (" + describe() + ")");
  }

  /**
   * Writes the files of {@code tar} (as {@link #exportVolume} makes it) into gpuhub's named volume
   * {@code name}, creating it when missing: files of the same path are replaced, other files kept.
   *
   * @throws IllegalStateException when a volume of that name exists but is not gpuhub's
   * @throws RuntimeUnavailableException when the daemon cannot be reached, answers with an error or
   *     the archive cannot be read
   */
  default void importVolume(String name, java.io.InputStream tar) {
    throw new UnsupportedOperationException("this node keeps no volumes (" + describe() + ")");
  }

  /**
   * Removes gpuhub's named volume {@code name}: a user's files. Only for an administrator's
   * confirmed request, or for the original of a home moved to another node once the copy there
   * is verified; nothing else in gpuhub removes a volume.
   *
   * @return false when there is no such volume
   * @throws IllegalStateException when a container still uses it
   */
  default boolean removeVolume(String name) {
    return false;
  }

  /** Checks a grace period for {@link #stop}; for implementations. */
  static Duration requireValidGrace(Duration grace) {
    if (grace == null || grace.isNegative() || grace.compareTo(MAX_STOP_GRACE) > 0) {
      throw new IllegalArgumentException("stop grace must be between 0 and " + MAX_STOP_GRACE.toSeconds()
          + " s, was " + grace);
    }
    return grace;
  }

  /** Checks a line count for {@link #logsTail}; for implementations. */
  static int requireValidLogLines(int lines) {
    if (lines < 1 || lines > MAX_LOG_LINES) {
      throw new IllegalArgumentException("lines must be between 1 and " + MAX_LOG_LINES + ", was " + lines);
    }
    return lines;
  }

  /** Checks a label key for {@link #listByLabel}; for implementations. */
  static String requireLabelKey(String key) {
    if (key == null || key.isBlank()) throw new IllegalArgumentException("label key must not be blank");
    return key;
  }
}
