package dev.gpuhub.core.replicas;

/**
 * A microservice {@code ms_j}: what one replica uses ({@code resthr_j}: CPU millicores and memory MB) and,
 * for a scalable service, the request rate one replica is meant to serve ({@code reqthr_j}, req/s).
 * A service that is not scalable always runs exactly one replica and has no threshold
 * ({@code requestThreshold} is ignored; 0 when absent).
 */
public record ReplicaService(String name, boolean scalable, double requestThreshold,
    double cpuMillicores, double memoryMb) {

  /** A scalable service. */
  public static ReplicaService scalable(String name, double requestThreshold, double cpuMillicores, double memoryMb) {
    return new ReplicaService(name, true, requestThreshold, cpuMillicores, memoryMb);
  }

  /** A service that runs exactly one replica. */
  public static ReplicaService single(String name, double cpuMillicores, double memoryMb) {
    return new ReplicaService(name, false, 0, cpuMillicores, memoryMb);
  }
}
