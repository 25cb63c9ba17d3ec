package dev.gpuhub.core.placement;

import java.util.Map;

/**
 * Thrown when fewer eligible nodes exist than a request needs. The message says how many were
 * needed and available; {@link #rejected()} gives the reason for every node that was not eligible.
 */
public class NotEnoughNodesException extends RuntimeException {
  private final Map<String, String> rejected;

  public NotEnoughNodesException(String message, Map<String, String> rejected) {
    super(message);
    this.rejected = Map.copyOf(rejected);
  }

  /** Hostname to the reason it was not eligible. */
  public Map<String, String> rejected() {
    return rejected;
  }
}
