package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.config.EnvReader;
import java.time.Duration;
import java.util.Map;

/**
 * When idle GPUs are given back (see {@link IdleGpuReclaimer}), validated at start.
 *
 * @param defaultLimit how long a server's GPUs may stay idle when its profile does not say
 *                     ({@code GPUHUB_GPU_IDLE_MINUTES}, default 60; 0 = never)
 * @param warning      how long before the GPUs go the user is warned ({@code GPUHUB_GPU_IDLE_WARNING_MINUTES},
 *                     default 10; at most half the limit)
 * @param exemptGroup  members of this group keep idle GPUs ({@code GPUHUB_GPU_IDLE_EXEMPT_GROUP},
 *                     default {@value #DEFAULT_EXEMPT_GROUP}; an administrator puts users in it)
 * @param every        how often servers are looked at ({@code GPUHUB_GPU_IDLE_CHECK_SECONDS}, default 30)
 */
public record GpuIdleConfig(Duration defaultLimit, Duration warning, String exemptGroup, Duration every) {
  public static final double DEFAULT_LIMIT_MINUTES = 60;
  public static final double DEFAULT_WARNING_MINUTES = 10;
  public static final String DEFAULT_EXEMPT_GROUP = "gpu-idle-exempt";
  public static final int DEFAULT_CHECK_SECONDS = 30;

  public static GpuIdleConfig defaults() {
    return fromEnv(Map.of());
  }

  /** @throws IllegalArgumentException naming the variable that is invalid */
  public static GpuIdleConfig fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    return new GpuIdleConfig(minutes(r.decimal("GPUHUB_GPU_IDLE_MINUTES", DEFAULT_LIMIT_MINUTES, 0, 7 * 24 * 60)),
        minutes(r.decimal("GPUHUB_GPU_IDLE_WARNING_MINUTES", DEFAULT_WARNING_MINUTES, 0, 24 * 60)),
        r.string("GPUHUB_GPU_IDLE_EXEMPT_GROUP", DEFAULT_EXEMPT_GROUP),
        Duration.ofSeconds(r.integer("GPUHUB_GPU_IDLE_CHECK_SECONDS", DEFAULT_CHECK_SECONDS, 1, 3600)));
  }

  /** The limit of a profile's servers: the profile's own ({@code gpu_idle_minutes}) or the default; zero = never. */
  public Duration limitFor(Double profileMinutes) {
    return profileMinutes == null ? defaultLimit : minutes(profileMinutes);
  }

  /** How long before {@code limit} the warning comes: {@link #warning()}, at most half the limit. */
  public Duration warningBefore(Duration limit) {
    Duration half = limit.dividedBy(2);
    return warning.compareTo(half) > 0 ? half : warning;
  }

  static Duration minutes(double value) {
    return Duration.ofMillis(Math.round(value * 60_000));
  }
}
