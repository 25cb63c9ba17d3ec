package dev.gpuhub.runtime;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One container as a runtime lists it.
 *
 * @param id     the runtime's full container id
 * @param names  the container's names without Docker's leading '/'; may be empty
 * @param image  the image reference the container was started from ("" when unknown)
 * @param state  the runtime's state word, e.g. "running"
 * @param labels the container's labels; empty when it has none
 */
public record ContainerSummary(String id, List<String> names, String image, String state, Map<String, String> labels) {

  public ContainerSummary {
    Objects.requireNonNull(id, "id");
    names = names == null ? List.of() : List.copyOf(names);
    image = image == null ? "" : image;
    state = state == null ? "" : state;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** True when any name or the image contains {@code needle}, ignoring case. */
  public boolean nameOrImageContains(String needle) {
    String n = needle.toLowerCase(Locale.ROOT);
    if (image.toLowerCase(Locale.ROOT).contains(n)) return true;
    return names.stream().anyMatch(name -> name.toLowerCase(Locale.ROOT).contains(n));
  }
}
