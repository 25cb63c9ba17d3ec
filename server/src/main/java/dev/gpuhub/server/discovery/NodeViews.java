package dev.gpuhub.server.discovery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.placement.ScoredNode;
import dev.gpuhub.wire.WireJson;
import java.util.List;

/** JSON views of nodes with the seed's field names. */
final class NodeViews {
  private static final ObjectMapper MAPPER = WireJson.mapper();

  private NodeViews() {}

  /** A live report with its {@code load_score}. */
  static ObjectNode live(NodeReport report, double loadScore) {
    ObjectNode n = MAPPER.valueToTree(report);
    n.put("load_score", loadScore);
    return n;
  }

  static ObjectNode scored(ScoredNode s) {
    return live(s.node(), s.loadScore());
  }

  static ArrayNode scoredList(List<ScoredNode> nodes) {
    ArrayNode a = MAPPER.createArrayNode();
    for (ScoredNode s : nodes) a.add(scored(s));
    return a;
  }
}
