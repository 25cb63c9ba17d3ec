package dev.gpuhub.store;

import dev.gpuhub.core.config.EnvReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Which stores the server uses and where, validated on construction and immutable (SPEC §3, seed
 * environment variable names). Build it with {@link #fromEnv(Map)}; invalid values throw
 * {@link IllegalArgumentException} naming the variable, the bad value and what is accepted.
 * {@link #toString()} and {@link #describe()} never show passwords.
 *
 * @param durable    GPUHUB_STORE: where nodes, metrics, profiles and selections are kept
 * @param live       GPUHUB_LIVE: where live node state with a TTL is kept
 * @param dataDir    GPUHUB_DATA_DIR: directory of the embedded H2 database
 * @param redisPassword null when Redis needs none
 * @param postgresPassword null unless {@code durable} is {@link Durable#POSTGRES}, then required
 */
public record StoreConfig(
    Durable durable,
    Live live,
    Path dataDir,
    String postgresHost,
    int postgresPort,
    String postgresDb,
    String postgresUser,
    String postgresPassword,
    String redisHost,
    int redisPort,
    String redisPassword,
    int redisExpireSeconds,
    int metricsRetentionDays) {

  /** Durable store kinds (GPUHUB_STORE). */
  public enum Durable { EMBEDDED, POSTGRES }

  /** Live state kinds (GPUHUB_LIVE). */
  public enum Live { MEMORY, REDIS }

  /** Default durable store: H2 file database, nothing to install. */
  public static final Durable DEFAULT_DURABLE = Durable.EMBEDDED;
  /** Default live state: a map in the server process. */
  public static final Live DEFAULT_LIVE = Live.MEMORY;
  /** Default directory of the embedded database, relative to the working directory. */
  public static final String DEFAULT_DATA_DIR = "./data";
  /** Default PostgreSQL host. */
  public static final String DEFAULT_POSTGRES_HOST = "localhost";
  /** Default PostgreSQL port. */
  public static final int DEFAULT_POSTGRES_PORT = 5432;
  /** Default PostgreSQL database name. */
  public static final String DEFAULT_POSTGRES_DB = "gpuhub";
  /** Default PostgreSQL login role. */
  public static final String DEFAULT_POSTGRES_USER = "gpuhub";
  /** Default Redis host. */
  public static final String DEFAULT_REDIS_HOST = "localhost";
  /** Default Redis port. */
  public static final int DEFAULT_REDIS_PORT = 6379;
  /** Default live-state TTL in seconds: three missed 15 s heartbeats (SPEC §8). */
  public static final int DEFAULT_REDIS_EXPIRE_SECONDS = 45;
  /** Default days of metric history kept before pruning. */
  public static final int DEFAULT_METRICS_RETENTION_DAYS = 7;

  public StoreConfig {
    Objects.requireNonNull(durable, "durable");
    Objects.requireNonNull(live, "live");
    Objects.requireNonNull(dataDir, "dataDir");
    requireText("POSTGRES_HOST", postgresHost);
    requireText("POSTGRES_DB", postgresDb);
    requireText("POSTGRES_USER", postgresUser);
    requireText("REDIS_HOST", redisHost);
    requirePort("POSTGRES_PORT", postgresPort);
    requirePort("REDIS_PORT", redisPort);
    requireAtLeastOne("REDIS_EXPIRE_SECONDS", redisExpireSeconds);
    requireAtLeastOne("GPUHUB_METRICS_RETENTION_DAYS", metricsRetentionDays);
    if (durable == Durable.POSTGRES && (postgresPassword == null || postgresPassword.isEmpty())) {
      throw new IllegalArgumentException("POSTGRES_PASSWORD is required when GPUHUB_STORE=postgres"
          + " (gpuhub ships no default secret): set it to the password of POSTGRES_USER '"
          + postgresUser + "'");
    }
  }

  /** Defaults everywhere: embedded H2 in {@code dataDir} and in-memory live state. */
  public static StoreConfig embedded(Path dataDir) {
    return new StoreConfig(Durable.EMBEDDED, Live.MEMORY, dataDir, DEFAULT_POSTGRES_HOST,
        DEFAULT_POSTGRES_PORT, DEFAULT_POSTGRES_DB, DEFAULT_POSTGRES_USER, null, DEFAULT_REDIS_HOST,
        DEFAULT_REDIS_PORT, null, DEFAULT_REDIS_EXPIRE_SECONDS, DEFAULT_METRICS_RETENTION_DAYS);
  }

  /**
   * Reads the configuration from environment variables (pass {@code System.getenv()}); unset and
   * blank variables take their defaults.
   */
  public static StoreConfig fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    return new StoreConfig(
        r.choice("GPUHUB_STORE", Durable.class, DEFAULT_DURABLE),
        r.choice("GPUHUB_LIVE", Live.class, DEFAULT_LIVE),
        Path.of(r.string("GPUHUB_DATA_DIR", DEFAULT_DATA_DIR)),
        r.string("POSTGRES_HOST", DEFAULT_POSTGRES_HOST),
        r.integer("POSTGRES_PORT", DEFAULT_POSTGRES_PORT, 1, 65535),
        r.string("POSTGRES_DB", DEFAULT_POSTGRES_DB),
        r.string("POSTGRES_USER", DEFAULT_POSTGRES_USER),
        r.secret("POSTGRES_PASSWORD"),
        r.string("REDIS_HOST", DEFAULT_REDIS_HOST),
        r.integer("REDIS_PORT", DEFAULT_REDIS_PORT, 1, 65535),
        r.secret("REDIS_PASSWORD"),
        r.integer("REDIS_EXPIRE_SECONDS", DEFAULT_REDIS_EXPIRE_SECONDS, 1, Integer.MAX_VALUE),
        r.integer("GPUHUB_METRICS_RETENTION_DAYS", DEFAULT_METRICS_RETENTION_DAYS, 1, 36_500));
  }

  /** How long live node state stays without a new heartbeat (REDIS_EXPIRE_SECONDS). */
  public Duration liveTtl() {
    return Duration.ofSeconds(redisExpireSeconds);
  }

  /** How long metric rows are kept (GPUHUB_METRICS_RETENTION_DAYS). */
  public Duration metricsRetention() {
    return Duration.ofDays(metricsRetentionDays);
  }

  /** Where the embedded database lives: {@code <dataDir>/gpuhub}. */
  public Path h2File() {
    return dataDir.resolve("gpuhub");
  }

  /**
   * One line for the start-up log, without passwords, e.g.
   * {@code durable: h2 file ./data/gpuhub; live: memory (ttl 45 s); metrics kept 7 days}.
   */
  public String describe() {
    String durablePart = switch (durable) {
      case EMBEDDED -> "h2 file " + h2File();
      case POSTGRES -> "postgres " + postgresUser + "@" + postgresHost + ":" + postgresPort + "/" + postgresDb;
    };
    String livePart = switch (live) {
      case MEMORY -> "memory (ttl " + redisExpireSeconds + " s)";
      case REDIS -> "redis " + redisHost + ":" + redisPort + " (ttl " + redisExpireSeconds + " s, "
          + (redisPassword == null ? "no password" : "password set") + ")";
    };
    return "durable: " + durablePart + "; live: " + livePart + "; metrics kept "
        + metricsRetentionDays + " days";
  }

  @Override
  public String toString() {
    return "StoreConfig[" + describe() + "]";
  }

  private static void requireText(String variable, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(variable + " must not be empty");
    }
  }

  private static void requirePort(String variable, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(variable + " must be a TCP port from 1 to 65535, was " + port);
    }
  }

  private static void requireAtLeastOne(String variable, int value) {
    if (value < 1) throw new IllegalArgumentException(variable + " must be >= 1, was " + value);
  }
}
