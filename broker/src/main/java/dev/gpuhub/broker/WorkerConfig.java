package dev.gpuhub.broker;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A worker of seed 004.
 *
 * @param id             the worker's number (the seed's {@code worker.py N}); names it in log lines
 * @param bindHost       address to listen on (127.0.0.1 by default)
 * @param port           port to listen on (the seed's 9001 + id by default; 0 = any free port)
 * @param longDuration   how long a {@code Long} request takes (5 s)
 * @param shortDuration  how long a {@code Short} request takes (1 s)
 * @param maxConcurrent  requests processed at once, one thread each (64); 1 models a worker that runs
 *                       one job at a time (a single GPU), as the benchmark does
 * @param maxQueued      requests that may wait for a thread (1024); beyond that: {@code ERROR: worker busy}
 * @param requestTimeout how long a connection may take to send its request (10 s)
 * @param log            seed-style log lines ({@code [Worker-1] ...}), or null for none
 */
public record WorkerConfig(int id, String bindHost, int port, Duration longDuration, Duration shortDuration,
                           int maxConcurrent, int maxQueued, Duration requestTimeout, Consumer<String> log) {

  /** The seed's first worker port minus one: worker N listens on 9001 + N. */
  public static final int BASE_PORT = 9001;

  public WorkerConfig {
    Objects.requireNonNull(bindHost, "bindHost");
    Objects.requireNonNull(longDuration, "longDuration");
    Objects.requireNonNull(shortDuration, "shortDuration");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0-65535, was " + port);
    if (longDuration.isNegative() || shortDuration.isNegative()) {
      throw new IllegalArgumentException("durations must not be negative");
    }
    if (maxConcurrent < 1) throw new IllegalArgumentException("max concurrent requests must be at least 1, was " + maxConcurrent);
    if (maxQueued < 0) throw new IllegalArgumentException("max queued requests must not be negative, was " + maxQueued);
  }

  /** Worker {@code id} with the seed's port (9001 + id) and durations (5 s / 1 s), on 127.0.0.1, silent. */
  public static WorkerConfig of(int id) {
    int port = BASE_PORT + id;
    if (id < 0 || port > 65535) throw new IllegalArgumentException("worker id must be 0-" + (65535 - BASE_PORT) + ", was " + id);
    return new WorkerConfig(id, "127.0.0.1", port, Duration.ofSeconds(5), Duration.ofSeconds(1), 64, 1024,
        Duration.ofSeconds(10), null);
  }

  public WorkerConfig withBindHost(String v) {
    return new WorkerConfig(id, v, port, longDuration, shortDuration, maxConcurrent, maxQueued, requestTimeout, log);
  }

  public WorkerConfig withPort(int v) {
    return new WorkerConfig(id, bindHost, v, longDuration, shortDuration, maxConcurrent, maxQueued, requestTimeout, log);
  }

  public WorkerConfig withDurations(Duration longD, Duration shortD) {
    return new WorkerConfig(id, bindHost, port, longD, shortD, maxConcurrent, maxQueued, requestTimeout, log);
  }

  public WorkerConfig withMaxConcurrent(int v) {
    return new WorkerConfig(id, bindHost, port, longDuration, shortDuration, v, maxQueued, requestTimeout, log);
  }

  public WorkerConfig withMaxQueued(int v) {
    return new WorkerConfig(id, bindHost, port, longDuration, shortDuration, maxConcurrent, v, requestTimeout, log);
  }

  public WorkerConfig withRequestTimeout(Duration v) {
    return new WorkerConfig(id, bindHost, port, longDuration, shortDuration, maxConcurrent, maxQueued, v, log);
  }

  public WorkerConfig withLog(Consumer<String> v) {
    return new WorkerConfig(id, bindHost, port, longDuration, shortDuration, maxConcurrent, maxQueued, requestTimeout, v);
  }

  /** How long a request of {@code type} takes. */
  public Duration duration(AppType type) {
    return type == AppType.LONG ? longDuration : shortDuration;
  }
}
