package dev.gpuhub.server.workload;

import dev.gpuhub.core.config.EnvReader;
import java.util.Locale;
import java.util.Map;

/**
 * A soft limit on the size of each user's home (volume homes; shared storage has its own, hard
 * quotas). A home at {@value #WARN_PERCENT} % of the limit or more is warned about; a server does
 * not start while the home is over the limit plus {@code gracePercent}.
 *
 * @param limitBytes   {@code GPUHUB_HOME_QUOTA_GB} in bytes; 0 for no limit (the default)
 * @param gracePercent {@code GPUHUB_HOME_QUOTA_GRACE_PERCENT}: how far over the limit a home may
 *                     grow before servers are refused (default 10)
 */
public record HomeQuota(long limitBytes, int gracePercent) {
  /** Usage at or above this share of the limit is warned about. */
  public static final int WARN_PERCENT = 90;
  /** No limit. */
  public static final HomeQuota NONE = new HomeQuota(0, 10);

  /** Where a home stands against the quota. */
  public enum State { NONE, OK, WARNING, OVER, REFUSED }

  public HomeQuota {
    if (limitBytes < 0) throw new IllegalArgumentException("GPUHUB_HOME_QUOTA_GB must be 0 (no limit) or more");
    if (gracePercent < 0 || gracePercent > 100) {
      throw new IllegalArgumentException("GPUHUB_HOME_QUOTA_GRACE_PERCENT must be between 0 and 100, was " + gracePercent);
    }
  }

  public static HomeQuota fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    double gb = r.decimal("GPUHUB_HOME_QUOTA_GB", 0, 0, 1_000_000);
    return new HomeQuota(Math.round(gb * 1e9), r.integer("GPUHUB_HOME_QUOTA_GRACE_PERCENT", 10, 0, 100));
  }

  public boolean limited() {
    return limitBytes > 0;
  }

  /** The size past which servers are refused. */
  public long refusedAbove() {
    return limitBytes + limitBytes * gracePercent / 100;
  }

  /** Where a home of {@code usedBytes} stands. */
  public State state(long usedBytes) {
    if (!limited()) return State.NONE;
    if (usedBytes > refusedAbove()) return State.REFUSED;
    if (usedBytes > limitBytes) return State.OVER;
    if (usedBytes * 100 >= limitBytes * WARN_PERCENT) return State.WARNING;
    return State.OK;
  }

  /** What the user is told about a home of {@code usedBytes}; null when there is nothing to say. */
  public String message(long usedBytes) {
    String use = "Your home uses " + size(usedBytes) + " of your " + size(limitBytes) + " quota ("
        + Math.round(usedBytes * 100.0 / Math.max(1, limitBytes)) + " %)";
    return switch (state(usedBytes)) {
      case NONE, OK -> null;
      case WARNING -> use + ": delete files you no longer need before it is full";
      case OVER -> use + ": over the quota. Servers are refused past " + size(refusedAbove()) + "; delete files now";
      case REFUSED -> use + ", more than the quota and its " + gracePercent + " % grace (" + size(refusedAbove())
          + "), so no server starts. Ask an administrator to raise GPUHUB_HOME_QUOTA_GB or to make room";
    };
  }

  /** Bytes for people: kB, MB or GB with one decimal (powers of 1000). */
  public static String size(long bytes) {
    if (bytes < 1_000_000) return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
    if (bytes < 1_000_000_000) return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
  }
}
