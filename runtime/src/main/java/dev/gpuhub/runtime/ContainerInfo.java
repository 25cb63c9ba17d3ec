package dev.gpuhub.runtime;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One container as {@link ContainerRuntime#inspect} sees it, running or not.
 *
 * @param id        the runtime's full container id
 * @param name      the container's name without Docker's leading '/'
 * @param image     the image reference the container was created from, as given at creation
 * @param state     the runtime's state word: {@code created, running, paused, restarting, removing,
 *                  exited, dead}
 * @param exitCode  the exit status of the last run when {@code state} is exited or dead, else {@code null}
 * @param startedAt when the container last started, or {@code null} if it never did
 * @param labels    the container's labels; empty when it has none
 */
public record ContainerInfo(String id, String name, String image, String state, Integer exitCode, Instant startedAt,
    Map<String, String> labels) {

  public static final String STATE_CREATED = "created";
  public static final String STATE_RUNNING = "running";
  public static final String STATE_EXITED = "exited";
  public static final String STATE_DEAD = "dead";

  public ContainerInfo {
    Objects.requireNonNull(id, "id");
    name = name == null ? "" : name;
    image = image == null ? "" : image;
    state = state == null ? "" : state;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** True when the state is {@value #STATE_RUNNING}. (Not a bean getter, so JSON carries only the components.) */
  public boolean running() {
    return STATE_RUNNING.equals(state);
  }

  /** True when the container ran and stopped: state exited or dead. */
  public boolean finished() {
    return STATE_EXITED.equals(state) || STATE_DEAD.equals(state);
  }

  /** The value of label {@code key}, or {@code null}. */
  public String label(String key) {
    return labels.get(key);
  }
}
