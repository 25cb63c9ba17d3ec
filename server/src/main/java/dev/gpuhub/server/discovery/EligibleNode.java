package dev.gpuhub.server.discovery;

import dev.gpuhub.core.placement.ScoredNode;

/** A live node, scored, with the reason it may not host the request ({@code null} when it may). */
public record EligibleNode(ScoredNode scored, String rejectionReason) {
  public boolean eligible() {
    return rejectionReason == null;
  }
}
