package dev.gpuhub.server.workload;

/**
 * The one label vocabulary of the containers gpuhub starts, and the reservation owner prefixes.
 * Agents add their own managed label; everything the control plane reads back after a restart is
 * written here.
 */
public final class Labels {
  /** What a container is: one of the {@code KIND_*} values. */
  public static final String KIND = "gpuhub.kind";
  public static final String KIND_SERVER = "server";
  public static final String KIND_KERNEL_HOST = "kernelhost";
  public static final String KIND_WORKER = "worker";
  public static final String KIND_JOB = "job";
  public static final String KIND_SERVICE = "service";
  /** The user a container belongs to. */
  public static final String USER = "gpuhub.user";
  /** A named server's name, on each of its containers (absent on a user's default server's). */
  public static final String SERVER_NAME = "gpuhub.server";
  /** The profile a server's containers were started for. */
  public static final String PROFILE = "gpuhub.profile";
  /** The placement-engine owner whose reservation the container runs on. */
  public static final String RESERVATION = "gpuhub.reservation";
  /** The node a kernel host or worker runs on. */
  public static final String NODE = "gpuhub.node";
  /** The port a container listens on (read back on adoption). */
  public static final String PORT = "gpuhub.port";
  /** A training job's id, on each of its replicas. */
  public static final String JOB = "gpuhub.job";
  /** A replicated service's name, on each of its replicas. */
  public static final String SERVICE = "gpuhub.service";
  /** A service replica's index. */
  public static final String REPLICA = "gpuhub.replica";

  /** Owner prefix of a user's server reservation. */
  public static final String SERVER_OWNER = "server:";
  /** Owner prefix of a training job replica's reservation. */
  public static final String JOB_OWNER = "job:";
  /** Owner prefix of a service replica's reservation. */
  public static final String SERVICE_OWNER = "svc:";

  private Labels() {}
}
