package dev.gpuhub.server.services;

import dev.gpuhub.core.service.ServiceSpec;

/** A declared service with the request rate measured at {@code /svc/<name>/} over the last period. */
public record ServiceLoad(ServiceSpec spec, double requestsPerSecond) {
  /** The HPA view of the replicas this load needs: ceil(rate / threshold), within the bounds. */
  public int replicasNeeded() {
    int needed = (int) Math.ceil(requestsPerSecond / spec.requestThreshold());
    return Math.max(spec.minReplicas(), Math.min(spec.maxReplicas(), needed));
  }
}
