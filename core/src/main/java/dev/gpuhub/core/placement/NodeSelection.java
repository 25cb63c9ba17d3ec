package dev.gpuhub.core.placement;

import java.time.Instant;
import java.util.List;

/**
 * A recorded placement decision (table {@code node_selections}): who asked, for which profile,
 * which hostnames were chosen (the first is the primary) and by which algorithm.
 */
public record NodeSelection(
    long id,
    Long profileId,
    String userId,
    String sessionId,
    List<String> selectedNodes,
    String selectionReason,
    Instant createdAt) {

  public NodeSelection {
    selectedNodes = List.copyOf(selectedNodes);
  }
}
