package dev.gpuhub.sim.interactive;

import java.util.Objects;

/**
 * The interactive part of a mixed simulation.
 *
 * @param load             how many sessions
 * @param mode             how sessions and jobs share the GPUs
 * @param idleLimitSeconds interactive-first only: a session's GPU idle this long goes back, &gt; 0
 * @param seed             seed of the session draw (same seed, same sessions)
 * @param model            the session model's parameters
 */
public record InteractiveConfig(InteractiveLoad load, SharingMode mode, double idleLimitSeconds, long seed,
                                SessionModel model) {
  /** The idle limit's default: 60 minutes, as gpuhub's kernel culler (SPEC: kernels idle 3600 s are culled). */
  public static final double DEFAULT_IDLE_LIMIT_SECONDS = 3600;

  public InteractiveConfig {
    Objects.requireNonNull(load, "load");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(model, "model");
    if (!(idleLimitSeconds > 0)) throw new IllegalArgumentException("--idle-limit must be > 0 minutes");
  }

  public static InteractiveConfig of(InteractiveLoad load, SharingMode mode, long seed) {
    return new InteractiveConfig(load, mode, DEFAULT_IDLE_LIMIT_SECONDS, seed, SessionModel.DEFAULTS);
  }

  public InteractiveConfig withIdleLimitSeconds(double seconds) {
    return new InteractiveConfig(load, mode, seconds, seed, model);
  }
}
