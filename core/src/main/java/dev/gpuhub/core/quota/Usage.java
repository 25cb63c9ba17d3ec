package dev.gpuhub.core.quota;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One server's (or job's) hold on resources, from start to stop: what its profile guaranteed on all
 * of its nodes together. {@code endedAt} is null while it runs.
 *
 * @param user      who held them
 * @param server    the server's name ("" for the default server)
 * @param profile   the profile, for display
 * @param gpus      GPUs held
 * @param cores     cores guaranteed
 */
public record Usage(String user, String server, String profile, int gpus, double cores, Instant startedAt,
                    Instant endedAt) {
  public Usage {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(startedAt, "startedAt");
    server = server == null ? "" : server;
  }

  /** Seconds of this hold inside [{@code from}, {@code to}), an open one counted up to {@code to}. */
  public double secondsWithin(Instant from, Instant to) {
    Instant start = startedAt.isAfter(from) ? startedAt : from;
    Instant end = endedAt == null || endedAt.isAfter(to) ? to : endedAt;
    return end.isAfter(start) ? Duration.between(start, end).toMillis() / 1000.0 : 0;
  }

  /** GPU-seconds inside [{@code from}, {@code to}). */
  public double gpuSecondsWithin(Instant from, Instant to) {
    return gpus * secondsWithin(from, to);
  }

  /** Guaranteed core-seconds inside [{@code from}, {@code to}). */
  public double coreSecondsWithin(Instant from, Instant to) {
    return cores * secondsWithin(from, to);
  }
}
