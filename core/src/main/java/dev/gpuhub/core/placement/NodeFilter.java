package dev.gpuhub.core.placement;

import dev.gpuhub.core.node.NodeReport;
import java.util.Optional;

/**
 * A hard constraint on placement (Fenzo's ConstraintEvaluator). Implementations must be pure and
 * thread-safe: they look only at the node's report and the request.
 *
 * @return empty when the node may host the request; otherwise one short line naming the limit the
 *     node breaks ("no GPU", "cpu usage 85.0% is over the limit of 80%"), shown to users as the
 *     answer to "why was this node not chosen?"
 */
@FunctionalInterface
public interface NodeFilter {
  Optional<String> reject(NodeReport node, SelectionRequest request);
}
