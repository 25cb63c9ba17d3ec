package dev.gpuhub.runtime;

import java.util.List;

/**
 * The container engine of one node, as the agent sees it.
 *
 * <p>Implementations talk to one daemon (Docker today) and must be safe to call from several
 * threads. They never hang for long: a daemon that does not answer within a few seconds counts as
 * unreachable. Later issues add start / inspect / stop / remove to this contract.
 *
 * <ul>
 *   <li>{@link #listRunning()} returns the containers that are running now (never {@code null},
 *       empty when none run) or throws {@link RuntimeUnavailableException} when the daemon cannot
 *       be reached or fails to answer; it never returns a partial list.
 *   <li>{@link #ping()} returns {@code true} when the daemon answers, {@code false} otherwise;
 *       it never throws.
 *   <li>{@link #describe()} returns a one-line description for logs and errors, such as
 *       {@code "docker at unix:///var/run/docker.sock"}; it does no I/O.
 *   <li>{@link #close()} releases connections; it never throws and may be called twice.
 * </ul>
 */
public interface ContainerRuntime extends AutoCloseable {

  /**
   * The containers running now.
   *
   * @throws RuntimeUnavailableException when the daemon cannot be reached or answers with an error
   */
  List<ContainerSummary> listRunning();

  /** True when the daemon answers right now; never throws. */
  boolean ping();

  /** A one-line description of this runtime and where its daemon is, for logs; no I/O. */
  String describe();

  /** Releases connections to the daemon; never throws. */
  @Override
  default void close() {}
}
