package dev.gpuhub.core.node;

import java.time.Instant;
import java.util.Objects;

/**
 * A validated heartbeat as the durable store receives it: the report, its seed load score and the
 * server time it arrived at (which becomes {@code last_heartbeat} and {@code recorded_at}).
 */
public record Heartbeat(NodeReport report, double loadScore, Instant receivedAt) {
  public Heartbeat {
    Objects.requireNonNull(report, "report");
    Objects.requireNonNull(receivedAt, "receivedAt");
  }
}
