package dev.gpuhub.core.quota;

/**
 * Limits for one user, or for the members of one group together; a null field is no limit.
 *
 * @param maxGpus    GPUs held at once by servers
 * @param maxServers servers running or starting at once
 * @param gpuHours   GPU-hours per {@link UsagePeriod}
 */
public record Quota(Integer maxGpus, Integer maxServers, Double gpuHours) {
  /** No limit at all. */
  public static final Quota NONE = new Quota(null, null, null);

  public Quota {
    if (maxGpus != null && maxGpus < 0) throw new IllegalArgumentException("max_gpus must be 0 or more, was " + maxGpus);
    if (maxServers != null && maxServers < 0) {
      throw new IllegalArgumentException("max_servers must be 0 or more, was " + maxServers);
    }
    if (gpuHours != null && !(gpuHours >= 0 && gpuHours < 1e9)) {
      throw new IllegalArgumentException("gpu_hours must be 0 or more, was " + gpuHours);
    }
  }
}
