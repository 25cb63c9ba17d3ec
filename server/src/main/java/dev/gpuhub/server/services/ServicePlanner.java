package dev.gpuhub.server.services;

import java.util.List;
import java.util.Map;

/**
 * Decides how many replicas each service runs and where. Pure: no I/O.
 */
@FunctionalInterface
public interface ServicePlanner {
  /**
   * @return service name to the hostnames of its replicas (a hostname repeats for several replicas
   *     on one node); every service of {@code loads} is present with at least its minimum
   * @throws IllegalStateException when no placement fits the nodes, naming why
   */
  Map<String, List<String>> plan(List<ServiceLoad> loads, List<NodeRoom> nodes);
}
