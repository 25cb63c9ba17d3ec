package dev.gpuhub.runtime;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every workload container is confined to, whatever its spec says: it runs as an
 * unprivileged user, with every Linux capability dropped (no raw sockets, no mounts, no ptrace),
 * {@code no-new-privileges} (setuid binaries gain nothing), the runtime's default seccomp profile,
 * and at most {@code pidsLimit} processes. The node's agent applies it; callers of the node API
 * cannot ask for less.
 *
 * @param uid       user id the container's processes run as (not 0)
 * @param gid       their group id (not 0)
 * @param pidsLimit most processes and threads the container may have
 */
public record WorkloadConfinement(int uid, int gid, long pidsLimit) {
  /** Environment variable naming the workload user as {@code UID:GID}. */
  public static final String USER_ENV = "GPUHUB_WORKLOAD_USER";
  /** Environment variable with the pids limit. */
  public static final String PIDS_ENV = "GPUHUB_WORKLOAD_PIDS_LIMIT";
  /** uid/gid 1000, the first ordinary user of Debian and of the notebook image; 4096 processes. */
  public static final WorkloadConfinement DEFAULT = new WorkloadConfinement(1000, 1000, 4096);
  private static final Pattern USER = Pattern.compile("(\\d{1,9}):(\\d{1,9})");

  public WorkloadConfinement {
    if (uid <= 0 || gid <= 0) {
      throw new IllegalArgumentException("workload user " + uid + ":" + gid + " must not be root (uid and gid > 0)");
    }
    if (pidsLimit < 16 || pidsLimit > 1_000_000) {
      throw new IllegalArgumentException("workload pids limit " + pidsLimit + " is out of range: use 16 to 1000000");
    }
  }

  /** {@code UID:GID}, as the runtime's user setting takes it. */
  public String user() {
    return uid + ":" + gid;
  }

  /**
   * The confinement {@code env} asks for ({@value #USER_ENV}, {@value #PIDS_ENV}); unset means
   * {@link #DEFAULT}.
   *
   * @throws IllegalArgumentException naming the variable for a value that is not accepted
   */
  public static WorkloadConfinement fromEnv(Map<String, String> env) {
    int uid = DEFAULT.uid();
    int gid = DEFAULT.gid();
    String user = env.get(USER_ENV);
    if (user != null && !user.isBlank()) {
      Matcher m = USER.matcher(user.strip());
      if (!m.matches()) throw new IllegalArgumentException(USER_ENV + " must be UID:GID such as 1000:1000, was '" + user + "'");
      uid = Integer.parseInt(m.group(1));
      gid = Integer.parseInt(m.group(2));
    }
    long pids = DEFAULT.pidsLimit();
    String limit = env.get(PIDS_ENV);
    if (limit != null && !limit.isBlank()) {
      try {
        pids = Long.parseLong(limit.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(PIDS_ENV + " must be a whole number, was '" + limit + "'");
      }
    }
    try {
      return new WorkloadConfinement(uid, gid, pids);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException((uid <= 0 || gid <= 0 ? USER_ENV : PIDS_ENV) + ": " + e.getMessage());
    }
  }
}
