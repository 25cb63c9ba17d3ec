package dev.gpuhub.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} on a free loopback port, without persistence, in its own temporary
 * directory, for integration tests. {@link #close()} kills it and deletes the directory.
 *
 * <p>Use {@link #shared()} from any number of test classes in one JVM: it is started on first use
 * and stopped by a JVM shutdown hook. Tests sharing it should use distinct keys (or FLUSHALL).
 */
public final class LocalRedis implements AutoCloseable {
  /** Where to look for {@code redis-server} besides {@code PATH}. */
  private static final List<String> EXTRA_BIN_DIRS = List.of("/usr/bin", "/usr/sbin", "/usr/local/bin");
  private static final String HOST = "127.0.0.1";
  private static final long START_TIMEOUT_MS = 10_000;
  private static final int START_ATTEMPTS = 3;

  private static LocalRedis shared;

  private Process process;
  private final Path binary;
  private final Path dir;
  private final int port;
  private final String password;
  private final AtomicBoolean closed = new AtomicBoolean();

  private LocalRedis(Path binary, Process process, Path dir, int port, String password) {
    this.binary = binary;
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.password = password;
  }

  /** Starts a new server without a password; the caller closes it. */
  public static LocalRedis start() {
    return start(null);
  }

  /** Starts a new server that requires {@code password} (none when null); the caller closes it. */
  public static LocalRedis start(String password) {
    Path binary = findBinary();
    IllegalStateException last = null;
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      try {
        return startOnce(binary, FreePorts.pick(), password);
      } catch (IllegalStateException e) {
        last = e; // most likely the port was taken between pick() and bind: try another
      }
    }
    throw last;
  }

  /** One password-less server for the whole JVM, started on first call, stopped at JVM exit. */
  public static synchronized LocalRedis shared() {
    if (shared == null) {
      LocalRedis redis = start();
      Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "local-redis-stop"));
      shared = redis;
    }
    return shared;
  }

  public String host() {
    return HOST;
  }

  public int port() {
    return port;
  }

  /** The password clients must send, or null when none is required. */
  public String password() {
    return password;
  }

  /**
   * Kills the server (SIGKILL, as a host losing power or an out-of-memory kill would): clients see
   * connections refused until {@link #resume()}.
   */
  public synchronized void halt() {
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Starts a server stopped by {@link #halt()} again on the same port, empty: the server keeps
   * nothing on disk, as a Redis without persistence after a reboot.
   *
   * @throws IllegalStateException when it does not answer within the start timeout
   */
  public synchronized void resume() {
    if (process.isAlive()) throw new IllegalStateException("redis-server on port " + port + " is running");
    process = launch(binary, port, password, dir);
    awaitPing(this, dir.resolve("redis.log"));
  }

  /** Kills the server and deletes its directory; idempotent. */
  @Override
  public synchronized void close() {
    if (!closed.compareAndSet(false, true)) return;
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteRecursively(dir);
  }

  private static LocalRedis startOnce(Path binary, int port, String password) {
    Path dir;
    try {
      dir = Files.createTempDirectory("gpuhub-redis-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for redis-server", e);
    }
    Process process;
    try {
      process = launch(binary, port, password, dir);
    } catch (IllegalStateException e) {
      deleteRecursively(dir);
      throw e;
    }
    LocalRedis redis = new LocalRedis(binary, process, dir, port, password);
    try {
      awaitPing(redis, dir.resolve("redis.log"));
    } catch (IllegalStateException e) {
      redis.close();
      throw e;
    }
    return redis;
  }

  private static Process launch(Path binary, int port, String password, Path dir) {
    List<String> command = new ArrayList<>(List.of(binary.toString(),
        "--port", String.valueOf(port), "--bind", HOST, "--dir", dir.toString(),
        "--save", "", "--appendonly", "no"));
    if (password != null) command.addAll(List.of("--requirepass", password));
    try {
      return new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
    }
  }

  /** Waits until the server answers PING; throws with its log when it exits or stays silent. */
  private static void awaitPing(LocalRedis redis, Path log) {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      if (!redis.process.isAlive()) {
        throw new IllegalStateException("redis-server exited with status " + redis.process.exitValue()
            + " on port " + redis.port + ":\n" + readLog(log));
      }
      if (answersPing(redis.port)) return;
      sleep(50);
    }
    throw new IllegalStateException("redis-server did not answer PING on " + HOST + ":" + redis.port
        + " within " + START_TIMEOUT_MS + " ms:\n" + readLog(log));
  }

  /** Whether something speaking RESP answers on the port (+PONG, or -NOAUTH when a password is set). */
  private static boolean answersPing(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, port), 500);
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[64];
      int n = in.read(reply);
      if (n <= 0) return false;
      String text = new String(reply, 0, n, StandardCharsets.US_ASCII);
      return text.startsWith("+PONG") || text.startsWith("-NOAUTH");
    } catch (IOException e) {
      return false;
    }
  }

  private static Path findBinary() {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    Stream<String> dirs = Stream.concat(Stream.of(path.split(java.io.File.pathSeparator)),
        EXTRA_BIN_DIRS.stream());
    return dirs.filter(d -> !d.isBlank())
        .map(d -> Path.of(d, "redis-server"))
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(
            "redis-server not found: install Debian package redis-server (scripts/test.sh does)"));
  }

  private static String readLog(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for redis-server", e);
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) return;
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a leftover temp dir must not fail a test run
    }
  }
}
