package dev.gpuhub.core.activity;

import java.time.Instant;
import java.util.List;

/**
 * What one GPU holder (a reservation owner: a user's server, a job replica...) does with its GPUs.
 *
 * @param owner          the reservation owner
 * @param gpuUuids       the GPUs it holds
 * @param busy           whether any of them was in use at the last look (see {@link GpuActivityTracker})
 * @param idleSince      since when none of them has been in use; {@code null} while busy
 * @param utilisation    mean utilisation of its GPUs at the last look, percent; {@code null} when no
 *                       report said
 * @param lastHour       mean utilisation per minute over the last hour, oldest first (minutes with
 *                       no report absent), for a sparkline
 * @param gpuSeconds     GPU-seconds held since it was first seen
 * @param idleGpuSeconds of those, GPU-seconds held while idle
 */
public record HolderActivity(String owner, List<String> gpuUuids, boolean busy, Instant idleSince, Double utilisation,
                             List<Double> lastHour, double gpuSeconds, double idleGpuSeconds) {
  public HolderActivity {
    gpuUuids = List.copyOf(gpuUuids);
    lastHour = List.copyOf(lastHour);
  }
}
