package dev.gpuhub.server.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The control plane's Prometheus metrics: node counts, heartbeat counters (their rate is the
 * heartbeat rate), and a selection latency histogram. Thread-safe.
 */
public final class ServerMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter heartbeats = Counter.builder("gpuhub.heartbeats")
      .description("Heartbeats accepted").register(registry);
  private final Counter heartbeatsRejected = Counter.builder("gpuhub.heartbeats.rejected")
      .description("Heartbeats refused (bad token or bad payload)").register(registry);
  private final Counter selectionsFailed = Counter.builder("gpuhub.selections.failed")
      .description("Selections that found too few eligible nodes").register(registry);
  private final Timer selections = Timer.builder("gpuhub.selection")
      .description("Time to choose nodes for a request (filters, scoring, algorithm, record)")
      .publishPercentileHistogram()
      .minimumExpectedValue(Duration.ofMillis(0).plusNanos(10_000))
      .maximumExpectedValue(Duration.ofSeconds(1))
      .register(registry);

  public void heartbeatAccepted() {
    heartbeats.increment();
  }

  public void heartbeatRejected() {
    heartbeatsRejected.increment();
  }

  public void selectionFailed() {
    selectionsFailed.increment();
  }

  public Timer selectionTimer() {
    return selections;
  }

  /** Registers a gauge {@code gpuhub_nodes{state=...}}. */
  public void nodeGauge(String state, Supplier<Number> value) {
    Gauge.builder("gpuhub.nodes", value).tag("state", state)
        .description("Nodes by state: live (unexpired live state), active / registered (durable store)")
        .register(registry);
  }

  /** Registers a gauge for a monotonically growing count kept elsewhere. */
  public void countGauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }
}
