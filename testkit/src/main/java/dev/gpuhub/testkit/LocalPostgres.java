package dev.gpuhub.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server on a free loopback port, in its own temporary data directory, for
 * integration tests: one database {@link #database()} owned by a login role {@link #user()} with a
 * random {@link #password()} (password authentication over TCP, as in production).
 * {@link #close()} stops it ({@code pg_ctl -m immediate}) and deletes the directory.
 *
 * <p>Uses the newest {@code /usr/lib/postgresql/<version>/bin} (Debian package {@code postgresql}).
 * PostgreSQL refuses to run as root, so when the JVM runs as root every server command runs as the
 * system user {@code postgres} via {@code runuser}. Use {@link #shared()} from any number of test
 * classes in one JVM, and {@link #createDatabase()} to give each test a clean database.
 */
public final class LocalPostgres implements AutoCloseable {
  /** Where Debian installs the server binaries, one directory per major version. */
  private static final Path DEBIAN_POSTGRES = Path.of("/usr/lib/postgresql");
  private static final String HOST = "127.0.0.1";
  private static final String DATABASE = "gpuhub";
  private static final String USER = "gpuhub";
  private static final String SYSTEM_USER = "postgres";
  private static final int START_ATTEMPTS = 3;
  private static final long COMMAND_TIMEOUT_S = 60;
  private static final boolean AS_ROOT = "root".equals(System.getProperty("user.name"));

  private static LocalPostgres shared;

  private final Path bin;
  private final Path root;
  private final int port;
  private final String password;
  private final AtomicInteger databases = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();

  private LocalPostgres(Path bin, Path root, int port, String password) {
    this.bin = bin;
    this.root = root;
    this.port = port;
    this.password = password;
  }

  /** Starts a new server with database and user {@code gpuhub}; the caller closes it. */
  public static LocalPostgres start() {
    Path bin = findBinDir();
    IllegalStateException last = null;
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      LocalPostgres pg = new LocalPostgres(bin, createRoot(), FreePorts.pick(), randomPassword());
      try {
        pg.initAndStart();
        return pg;
      } catch (IllegalStateException e) {
        pg.close(); // most likely the port was taken between pick() and bind: try another
        last = e;
      }
    }
    throw last;
  }

  /** One server for the whole JVM, started on first call, stopped at JVM exit. */
  public static synchronized LocalPostgres shared() {
    if (shared == null) {
      LocalPostgres pg = start();
      Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "local-postgres-stop"));
      shared = pg;
    }
    return shared;
  }

  /** JDBC URL of {@link #database()} (no credentials in it). */
  public String jdbcUrl() {
    return jdbcUrl(DATABASE);
  }

  /** JDBC URL of another database on this server. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
  }

  public String host() {
    return HOST;
  }

  public int port() {
    return port;
  }

  public String database() {
    return DATABASE;
  }

  public String user() {
    return USER;
  }

  public String password() {
    return password;
  }

  /** Creates a new empty database owned by {@link #user()} and returns its name. */
  public String createDatabase() {
    String name = "test_" + databases.incrementAndGet();
    psql("CREATE DATABASE " + name + " OWNER " + USER);
    return name;
  }

  /**
   * What a control plane needs to keep its records in database {@code db} of this server:
   * {@code GPUHUB_STORE=postgres} and the {@code POSTGRES_*} settings.
   */
  public java.util.Map<String, String> storeEnv(String db) {
    return java.util.Map.of("GPUHUB_STORE", "postgres", "POSTGRES_HOST", host(), "POSTGRES_PORT", Integer.toString(port()),
        "POSTGRES_DB", db, "POSTGRES_USER", user(), "POSTGRES_PASSWORD", password());
  }

  /**
   * Stops the server as an administrator's {@code systemctl stop} does (fast shutdown: clients are
   * cut off at once, committed work is kept), keeping its data: {@link #resume()} starts it again.
   * Not an immediate stop: this test server runs with {@code synchronous_commit=off} for speed, so an
   * immediate stop would lose commits a production server keeps.
   */
  public void halt() {
    run(asServerUser(bin.resolve("pg_ctl").toString(), "-D", root.resolve("data").toString(),
        "-m", "fast", "-w", "stop"));
  }

  /** Starts a server stopped by {@link #halt()} again, on the same port with the same data. */
  public void resume() {
    run(asServerUser(bin.resolve("pg_ctl").toString(), "-D", root.resolve("data").toString(),
        "-l", root.resolve("postgres.log").toString(), "-w", "-t", "30", "-o", options(), "start"));
  }

  private String options() {
    return "-c listen_addresses=" + HOST + " -p " + port + " -k " + root
        + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
  }

  /** Stops the server at once and deletes its data directory; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    Path data = root.resolve("data");
    if (Files.exists(data.resolve("postmaster.pid"))) {
      try {
        run(asServerUser(bin.resolve("pg_ctl").toString(), "-D", data.toString(),
            "-m", "immediate", "-w", "stop"));
      } catch (IllegalStateException e) {
        System.err.println("LocalPostgres: " + e.getMessage()); // still delete what we can
      }
    }
    deleteRecursively(root);
  }

  private void initAndStart() {
    Path data = root.resolve("data");
    run(asServerUser(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SYSTEM_USER,
        "-E", "UTF8", "--no-sync", "--auth-local=trust", "--auth-host=scram-sha-256"));
    run(asServerUser(bin.resolve("pg_ctl").toString(), "-D", data.toString(),
        "-l", root.resolve("postgres.log").toString(), "-w", "-t", "30", "-o", options(), "start"));
    psql("CREATE ROLE " + USER + " LOGIN PASSWORD '" + password + "'");
    psql("CREATE DATABASE " + DATABASE + " OWNER " + USER);
  }

  /** Runs one SQL statement as the superuser over the Unix socket. */
  private void psql(String sql) {
    run(asServerUser(bin.resolve("psql").toString(), "-h", root.toString(), "-p",
        String.valueOf(port), "-U", SYSTEM_USER, "-d", "postgres", "-v", "ON_ERROR_STOP=1",
        "-q", "-c", sql));
  }

  private static List<String> asServerUser(String... command) {
    List<String> full = new ArrayList<>();
    if (AS_ROOT) full.addAll(List.of("runuser", "-u", SYSTEM_USER, "--"));
    full.addAll(List.of(command));
    return full;
  }

  private void run(List<String> command) {
    Path output = root.resolve("command.out");
    try {
      Process process = new ProcessBuilder(command).directory(root.toFile())
          .redirectErrorStream(true).redirectOutput(output.toFile()).start();
      if (!process.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out after " + COMMAND_TIMEOUT_S + " s: " + command);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("failed with status " + process.exitValue() + ": "
            + command + "\n" + Files.readString(output) + serverLog());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  private String serverLog() throws IOException {
    Path log = root.resolve("postgres.log");
    return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
  }

  /** The bin directory of the newest installed major version. */
  private static Path findBinDir() {
    String missing = "PostgreSQL server binaries not found under " + DEBIAN_POSTGRES
        + "/<version>/bin: install Debian package postgresql (scripts/test.sh does)";
    if (!Files.isDirectory(DEBIAN_POSTGRES)) throw new IllegalStateException(missing);
    try (Stream<Path> versions = Files.list(DEBIAN_POSTGRES)) {
      return versions.map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparingDouble(LocalPostgres::majorVersion))
          .orElseThrow(() -> new IllegalStateException(missing));
    } catch (IOException e) {
      throw new IllegalStateException(missing, e);
    }
  }

  private static double majorVersion(Path binDir) {
    try {
      return Double.parseDouble(binDir.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A fresh temporary directory the server user owns (it holds data, socket and log). */
  private static Path createRoot() {
    try {
      Path dir = Files.createTempDirectory("gpuhub-pg-");
      if (AS_ROOT) {
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(dir, users.lookupPrincipalByName(SYSTEM_USER));
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a data directory for PostgreSQL owned by "
          + SYSTEM_USER + ": " + e.getMessage(), e);
    }
  }

  private static String randomPassword() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a leftover temp dir must not fail a test run
    }
  }
}
