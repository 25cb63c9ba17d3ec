package dev.gpuhub.wire.node;

import java.time.Instant;
import java.util.Map;

/**
 * One container as the node API describes it ({@code GET /containers}, {@code GET /containers/ID}),
 * running or not.
 *
 * @param id        the runtime's container id
 * @param name      the container's name
 * @param image     the image it was created from
 * @param state     the runtime's state word: created, running, paused, restarting, removing, exited, dead
 * @param exitCode  exit status of the last run when exited or dead, else null
 * @param startedAt when it last started, or null if it never did
 * @param labels    its labels
 */
public record ContainerView(String id, String name, String image, String state, Integer exitCode, Instant startedAt,
                            Map<String, String> labels) {
  public ContainerView {
    name = name == null ? "" : name;
    image = image == null ? "" : image;
    state = state == null ? "" : state;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** True when the state is running. */
  public boolean running() {
    return "running".equalsIgnoreCase(state);
  }

  /** The value of label {@code key}, or null. */
  public String label(String key) {
    return labels.get(key);
  }
}
