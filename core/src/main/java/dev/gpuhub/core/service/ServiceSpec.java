package dev.gpuhub.core.service;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A replicated service an admin declares (issue 6): what one replica runs and needs, the request
 * rate one replica should serve, the replica bounds, and how requests to {@code /svc/<name>/} are
 * balanced over its replicas. Each replica listens on the port in its {@code GPUHUB_PORT}
 * environment variable (host networking) and is reached at {@code /svc/<name>/...} with that prefix
 * kept.
 *
 * @param name              lower-case letters, digits and '-', 1–63 characters
 * @param image             container image of a replica
 * @param command           command of a replica; may be empty for the image's default
 * @param cpuMillicores     cpu one replica reserves (1000 = one core)
 * @param memoryMb          memory one replica reserves
 * @param requestThreshold  requests per second one replica is meant to serve ({@code reqthr})
 * @param minReplicas       fewest replicas, at least 1
 * @param maxReplicas       most replicas; 1 (= min) makes the service not scalable
 * @param strategy          {@code round_robin} or {@code least_connections}
 */
public record ServiceSpec(String name, String image, List<String> command, int cpuMillicores, int memoryMb,
                          double requestThreshold, int minReplicas, int maxReplicas, String strategy) {

  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  public static final List<String> STRATEGIES = List.of("round_robin", "least_connections");

  /** @throws IllegalArgumentException naming the field that is wrong */
  public ServiceSpec {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("name must be lower-case letters, digits and '-' (1-63), was '" + name + "'");
    }
    if (image == null || image.isBlank()) throw new IllegalArgumentException("image is required");
    command = command == null ? List.of() : List.copyOf(command);
    if (cpuMillicores < 1) throw new IllegalArgumentException("cpu_millicores must be at least 1, was " + cpuMillicores);
    if (memoryMb < 1) throw new IllegalArgumentException("memory_mb must be at least 1, was " + memoryMb);
    if (!(requestThreshold > 0)) throw new IllegalArgumentException("request_threshold must be > 0, was " + requestThreshold);
    if (minReplicas < 1) throw new IllegalArgumentException("min_replicas must be at least 1, was " + minReplicas);
    if (maxReplicas < minReplicas) {
      throw new IllegalArgumentException("max_replicas must be at least min_replicas (" + minReplicas + "), was " + maxReplicas);
    }
    if (!STRATEGIES.contains(strategy)) {
      throw new IllegalArgumentException("strategy must be one of " + STRATEGIES + ", was '" + strategy + "'");
    }
  }

  /** Whether the planner may change its replica count. */
  public boolean scalable() {
    return maxReplicas > minReplicas;
  }
}
