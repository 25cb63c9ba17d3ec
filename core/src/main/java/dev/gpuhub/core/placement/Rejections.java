package dev.gpuhub.core.placement;

import java.util.Map;

/** The one way rejection reasons are listed in messages: "a: reason; b: reason; 3 more" (at most 10). */
public final class Rejections {
  private static final int SHOWN = 10;

  private Rejections() {}

  /** The reasons in the map's order, the first ten in full. */
  public static String list(Map<String, String> rejected) {
    StringBuilder sb = new StringBuilder();
    int shown = 0;
    for (Map.Entry<String, String> e : rejected.entrySet()) {
      if (shown++ == SHOWN) {
        sb.append("; ").append(rejected.size() - SHOWN).append(" more");
        break;
      }
      if (shown > 1) sb.append("; ");
      sb.append(e.getKey()).append(": ").append(e.getValue());
    }
    return sb.toString();
  }

  /** " (no active nodes: ...)" when there are no nodes, " (reasons)" when some were rejected, else "". */
  public static String suffix(int total, Map<String, String> rejected) {
    if (total == 0) return " (no active nodes: is an agent running and reporting?)";
    return rejected.isEmpty() ? "" : " (" + list(rejected) + ")";
  }
}
