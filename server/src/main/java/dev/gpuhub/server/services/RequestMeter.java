package dev.gpuhub.server.services;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts requests per service (and per replica) so the controller can read rates: each
 * {@link #drain(double)} returns the rates since the previous drain and starts a new window.
 * Thread-safe; counting is a lock-free increment.
 */
public final class RequestMeter {
  private final Map<String, LongAdder> perService = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> perReplica = new ConcurrentHashMap<>();
  private volatile Map<String, Double> lastReplicaRates = Map.of();

  public void count(ServiceReplica replica) {
    perService.computeIfAbsent(replica.service(), s -> new LongAdder()).increment();
    perReplica.computeIfAbsent(replica.key(), k -> new LongAdder()).increment();
  }

  /** Requests per second of each service over the last {@code seconds}, and resets the counts. */
  public Map<String, Double> drain(double seconds) {
    Map<String, Double> rates = new HashMap<>();
    perService.forEach((s, n) -> rates.put(s, n.sumThenReset() / seconds));
    Map<String, Double> replicas = new HashMap<>();
    perReplica.forEach((k, n) -> replicas.put(k, n.sumThenReset() / seconds));
    lastReplicaRates = Map.copyOf(replicas);
    return rates;
  }

  /** Requests per second of each replica ({@link ServiceReplica#key()}) in the last drained window. */
  public Map<String, Double> replicaRates() {
    return lastReplicaRates;
  }
}
