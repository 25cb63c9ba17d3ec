package dev.gpuhub.server.hub.jobs;

import dev.gpuhub.core.config.EnvReader;
import java.net.URI;
import java.time.Duration;
import dev.gpuhub.server.hub.spawn.SpawnerConfig;
import dev.gpuhub.wire.InvalidPayloadException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Training job settings, validated at start.
 *
 * @param interval        how often the scheduler re-allocates ({@code GPUHUB_JOB_INTERVAL_SECONDS})
 * @param replicaCpu      cores reserved per replica ({@code GPUHUB_JOB_REPLICA_CPU})
 * @param replicaMemoryGb GB of memory reserved per replica ({@code GPUHUB_JOB_REPLICA_MEMORY_GB})
 * @param hubUrl          base URL job containers reach the hub at, for their reports
 *                        ({@code GPUHUB_HUB_URL}); null = the hub's own address
 * @param checkpointRoot  directory under which each job gets {@code job-<id>} as GPUHUB_CHECKPOINT_DIR
 *                        ({@code GPUHUB_JOB_CHECKPOINT_ROOT}); shared storage on real clusters
 * @param masterPortBase  each start of a job of several replicas draws its rendezvous tunnel's public port
 *                        ({@link JobRendezvous}) at random from this to this + 999, one no other workload holds
 *                        on rank 0's node ({@code GPUHUB_JOB_MASTER_PORT_BASE})
 * @param restartDelaySeconds what the policy assumes a restart costs a job, in seconds; it moves a
 *                        running job only when the gain outweighs that ({@code GPUHUB_JOB_RESTART_DELAY_SECONDS};
 *                        0 = restarts cost nothing)
 * @param images          the only images jobs may run ({@code GPUHUB_JOB_IMAGES}, comma-separated;
 *                        default: the images users' servers run, {@code GPUHUB_CPU_IMAGE} and
 *                        {@code GPUHUB_GPU_IMAGE})
 * @param refitInterval   once a job has a model, its reports change it at most this often
 *                        ({@code GPUHUB_JOB_REFIT_SECONDS}), so one job's reports move GPUs at most
 *                        once per interval however it reports
 * @param maxActivePerUser queued or running jobs one user may have at once
 *                        ({@code GPUHUB_JOB_MAX_ACTIVE_PER_USER}); more are refused with 429
 * @param retention       how long a finished, failed or cancelled job is kept, then forgotten
 *                        ({@code GPUHUB_JOB_RETENTION_HOURS})
 * @param yieldMinimum    whether jobs of priority class {@code job} give up even their minimum GPUs to
 *                        people waiting for GPUs, as {@code scavenger} jobs always do
 *                        ({@code GPUHUB_JOB_YIELD_MINIMUM}; default false: they keep their minimum)
 */
public record JobsConfig(Duration interval, double replicaCpu, double replicaMemoryGb, String hubUrl,
                         String checkpointRoot, int masterPortBase, double restartDelaySeconds, Set<String> images,
                         Duration refitInterval, int maxActivePerUser, Duration retention, boolean yieldMinimum) {

  /** Default queued or running jobs one user may have at once. */
  public static final int DEFAULT_MAX_ACTIVE_PER_USER = 10;
  /** Default hours a finished, failed or cancelled job is kept. */
  public static final int DEFAULT_RETENTION_HOURS = 720;

  /** Seed 002's scheduling interval: 60 s. */
  public static final int DEFAULT_INTERVAL_SECONDS = 60;
  /** One core per replica: the trainer feeds its GPU. */
  public static final double DEFAULT_REPLICA_CPU = 1;
  /** 2 GB per replica. */
  public static final double DEFAULT_REPLICA_MEMORY_GB = 2;
  /** Where checkpoints go unless configured. */
  public static final String DEFAULT_CHECKPOINT_ROOT = "/tmp/gpuhub-checkpoints";
  /** Rendezvous ports 40000-40999: apart from servers' (20000-29999) and services' (30000-39999). */
  public static final int DEFAULT_MASTER_PORT_BASE = 40000;
  /** How many rendezvous ports there are from the base. */
  public static final int MASTER_PORT_COUNT = 1000;
  /** The Pollux artifact's restart cost: 30 s. */
  public static final double DEFAULT_RESTART_DELAY_SECONDS = 30;

  /** Five minutes between refits of a job's model. */
  public static final int DEFAULT_REFIT_SECONDS = 300;

  public JobsConfig {
    if (interval == null || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("GPUHUB_JOB_INTERVAL_SECONDS must be positive");
    }
    images = images == null ? Set.of() : Set.copyOf(images);
    if (images.isEmpty()) throw new IllegalArgumentException("GPUHUB_JOB_IMAGES must name at least one image");
    if (refitInterval == null || refitInterval.isNegative()) {
      throw new IllegalArgumentException("GPUHUB_JOB_REFIT_SECONDS must not be negative");
    }
    if (hubUrl != null) {
      URI u = URI.create(hubUrl);
      if (u.getScheme() == null || u.getHost() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
        throw new IllegalArgumentException("GPUHUB_HUB_URL must be an http(s) URL such as http://hub.lab:18000, was '"
            + hubUrl + "'");
      }
      hubUrl = hubUrl.endsWith("/") ? hubUrl.substring(0, hubUrl.length() - 1) : hubUrl;
    }
  }

  public static JobsConfig defaults() {
    return fromEnv(Map.of());
  }

  /** @throws IllegalArgumentException naming the variable that is invalid */
  public static JobsConfig fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    try {
      return new JobsConfig(
          Duration.ofSeconds(r.integer("GPUHUB_JOB_INTERVAL_SECONDS", DEFAULT_INTERVAL_SECONDS, 1, 86_400)),
          r.decimal("GPUHUB_JOB_REPLICA_CPU", DEFAULT_REPLICA_CPU, 0.01, 1024),
          r.decimal("GPUHUB_JOB_REPLICA_MEMORY_GB", DEFAULT_REPLICA_MEMORY_GB, 0.01, 65_536),
          r.raw("GPUHUB_HUB_URL"),
          r.string("GPUHUB_JOB_CHECKPOINT_ROOT", DEFAULT_CHECKPOINT_ROOT),
          r.integer("GPUHUB_JOB_MASTER_PORT_BASE", DEFAULT_MASTER_PORT_BASE, 1024, 64_535),
          r.decimal("GPUHUB_JOB_RESTART_DELAY_SECONDS", DEFAULT_RESTART_DELAY_SECONDS, 0, 86_400),
          images(env),
          Duration.ofSeconds(r.integer("GPUHUB_JOB_REFIT_SECONDS", DEFAULT_REFIT_SECONDS, 0, 86_400)),
          r.integer("GPUHUB_JOB_MAX_ACTIVE_PER_USER", DEFAULT_MAX_ACTIVE_PER_USER, 1, 10_000),
          Duration.ofHours(r.integer("GPUHUB_JOB_RETENTION_HOURS", DEFAULT_RETENTION_HOURS, 1, 87_600)),
          r.bool("GPUHUB_JOB_YIELD_MINIMUM", false));
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("GPUHUB_")) throw e;
      throw new IllegalArgumentException("GPUHUB_HUB_URL: " + e.getMessage(), e);
    }
  }

  private static Set<String> images(Map<String, String> env) {
    String listed = env.get("GPUHUB_JOB_IMAGES");
    Set<String> out = new TreeSet<>();
    if (listed != null && !listed.isBlank()) {
      for (String image : listed.split(",")) if (!image.isBlank()) out.add(image.strip());
      return out;
    }
    EnvReader r = new EnvReader(env);
    out.add(r.string("GPUHUB_CPU_IMAGE", SpawnerConfig.DEFAULT_IMAGE));
    out.add(r.string("GPUHUB_GPU_IMAGE", SpawnerConfig.DEFAULT_IMAGE));
    return out;
  }

  /**
   * Refuses an image jobs may not run: any image present on a node would otherwise run with a GPU.
   *
   * @throws InvalidPayloadException (400) naming the field and the images that are allowed
   */
  public void requireAllowedImage(String image) {
    if (!images.contains(image)) {
      throw new InvalidPayloadException("image", "'" + image + "' is not an image training jobs may run here; allowed: "
          + String.join(", ", new TreeSet<>(images)) + " (an administrator sets GPUHUB_JOB_IMAGES)");
    }
  }

  /** The highest rendezvous port. */
  public int masterPortMax() {
    return Math.min(65_535, masterPortBase + MASTER_PORT_COUNT - 1);
  }

  /** GPUHUB_CHECKPOINT_DIR of a job. */
  public String checkpointDir(long jobId) {
    return checkpointRoot + (checkpointRoot.endsWith("/") ? "" : "/") + "job-" + jobId;
  }
}
