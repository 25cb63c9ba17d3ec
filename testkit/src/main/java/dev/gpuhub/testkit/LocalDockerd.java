package dev.gpuhub.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private Docker daemon for integration tests, started in network-safe mode: no default bridge,
 * no iptables, no masquerading, all state in a fresh directory under /tmp. Containers run in it
 * use host networking ({@code --network host}) or a network made in it (gpuhub's workload
 * network), which is a namespace of the test's own. Needs root and the Debian package docker.io.
 *
 * <p>{@link #start()} returns once the daemon answers {@code docker version}; {@link #close()}
 * force-removes every container and network in the daemon, stops dockerd and its containerd, unmounts what
 * they left mounted and deletes the directory. {@link #shared()} is one lazily started daemon per
 * JVM, stopped by a shutdown hook.
 */
public final class LocalDockerd implements AutoCloseable {
  /** Parent of the state directory; kept short because unix socket paths must stay under 108 bytes. */
  private static final Path BASE_DIR = Path.of("/tmp");
  /** Longest wait for a fresh daemon to answer. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  /** Longest wait for dockerd to exit after SIGTERM before it is killed. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
  /** Longest wait for one docker CLI command. */
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);
  /** Pause between readiness probes. */
  private static final long PROBE_INTERVAL_MS = 100;
  /** Where Debian puts the binaries, in case PATH lacks the sbin directories. */
  private static final List<String> EXTRA_BIN_DIRS = List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin");
  private static final String INSTALL_HINT = "install Debian package docker.io (scripts/test.sh does)";

  private static final Logger LOG = LoggerFactory.getLogger(LocalDockerd.class);
  private static LocalDockerd shared;

  private final Path dir;
  private final Path socket;
  private final String dockerCli;
  private final String dockerdBin;
  private final SimulatedGpus gpus;
  private volatile Process dockerd;
  private final AtomicBoolean closed = new AtomicBoolean();

  private LocalDockerd(Path dir, String dockerCli, String dockerdBin, SimulatedGpus gpus) {
    this.dir = dir;
    this.socket = dir.resolve("docker.sock");
    this.dockerCli = dockerCli;
    this.dockerdBin = dockerdBin;
    this.gpus = gpus;
  }

  /**
   * Starts a new daemon and waits until it answers.
   *
   * @throws IllegalStateException when dockerd or the docker CLI is missing, or the daemon does not
   *     come up (the message carries the end of its log)
   */
  public static LocalDockerd start() {
    return start(null);
  }

  /**
   * Starts a new daemon, like {@link #start()}, that also accepts requests for the simulated GPUs
   * {@code gpus} (none when null): their runtime hook is on its PATH.
   */
  public static LocalDockerd start(SimulatedGpus gpus) {
    String dockerdBin = findBinary("dockerd").orElseThrow(
        () -> new IllegalStateException("dockerd not found: " + INSTALL_HINT));
    String cli = findBinary("docker").orElseThrow(
        () -> new IllegalStateException("docker CLI not found: " + INSTALL_HINT));
    Path dir;
    try {
      dir = Files.createTempDirectory(BASE_DIR, "gh-dk-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a directory for dockerd", e);
    }
    LocalDockerd d = new LocalDockerd(dir, cli, dockerdBin, gpus);
    try {
      d.launch();
      d.awaitReady();
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
    LOG.info("dockerd started at {} (pid {})", d.dockerHost(), d.dockerd.pid());
    return d;
  }

  /**
   * Stops the daemon as {@code systemctl restart docker} does (SIGTERM: dockerd stops its running
   * containers, which then stay stopped, and exits; killed after the stop timeout) and starts it again
   * on the same state directory and socket, returning once it answers. Containers, images and
   * networks are kept.
   *
   * @throws IllegalStateException when the daemon does not come back
   */
  public synchronized void restart() {
    if (closed.get()) throw new IllegalStateException("this dockerd was closed");
    List<ProcessHandle> children = dockerd.descendants().toList();
    stop(dockerd.toHandle());
    children.forEach(LocalDockerd::stop);
    launch();
    awaitReady();
    LOG.info("dockerd restarted at {} (pid {})", dockerHost(), dockerd.pid());
  }

  private void launch() {
    ProcessBuilder pb = new ProcessBuilder(dockerdBin,
        "--bridge=none", "--iptables=false", "--ip-masq=false",
        "--data-root", dir.resolve("root").toString(),
        "--exec-root", dir.resolve("exec").toString(),
        "-H", "unix://" + socket,
        "--pidfile", dir.resolve("docker.pid").toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dockerd.log").toFile()));
    if (gpus != null) pb.environment().merge("PATH", gpus.hookDir().toString(), (path, hook) -> hook + ":" + path);
    try {
      dockerd = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + dockerdBin, e);
    }
  }

  /** One daemon per JVM, started on first use and stopped when the JVM exits. */
  public static synchronized LocalDockerd shared() {
    if (shared == null) {
      LocalDockerd d = start();
      Runtime.getRuntime().addShutdownHook(new Thread(d::close, "local-dockerd-stop"));
      shared = d;
    }
    return shared;
  }

  /** The daemon address, {@code unix:///tmp/gh-dk-.../docker.sock}, for DOCKER_HOST or docker-java. */
  public String dockerHost() {
    return "unix://" + socket;
  }

  /**
   * Runs the docker CLI against this daemon and returns its standard output, stripped.
   *
   * @throws IllegalStateException when the command fails or runs past its timeout
   */
  public String docker(String... args) {
    List<String> command = new ArrayList<>(List.of(dockerCli));
    command.addAll(List.of(args));
    ExecResult r = exec(command, cliEnv(), CLI_TIMEOUT);
    if (r.exitCode() != 0) {
      throw new IllegalStateException("'docker " + String.join(" ", args) + "' failed (exit " + r.exitCode() + "): "
          + r.stderr().strip());
    }
    return r.stdout().strip();
  }

  /** Force-removes all containers, stops the daemon and deletes its directory; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    if (dockerd == null) {
      deleteTree(dir);
      return;
    }
    List<ProcessHandle> children = dockerd.descendants().toList();
    if (dockerd.isAlive()) {
      removeAllContainers();
      removeAllNetworks();
    }
    stop(dockerd.toHandle());
    children.forEach(LocalDockerd::stop);
    unmountUnder(dir);
    deleteTree(dir);
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!dockerd.isAlive()) {
        throw new IllegalStateException("dockerd exited with " + dockerd.exitValue() + " before answering; log:\n" + logTail());
      }
      if (Files.exists(socket) && exec(List.of(dockerCli, "version"), cliEnv(), Duration.ofSeconds(5)).exitCode() == 0) {
        return;
      }
      sleep(PROBE_INTERVAL_MS);
    }
    throw new IllegalStateException("dockerd did not answer within " + START_TIMEOUT.toSeconds() + " s; log:\n" + logTail());
  }

  private void removeAllContainers() {
    removeAll("containers", new String[] {"ps", "-aq"}, "rm", "-f");
  }

  /** Removes the daemon's own networks: their Linux bridges would outlive the daemon on the host. */
  private void removeAllNetworks() {
    removeAll("networks", new String[] {"network", "ls", "-q", "--filter", "type=custom"}, "network", "rm");
  }

  /** Lists ids with {@code list} and removes them all with {@code remove...}; logs and goes on when that fails. */
  private void removeAll(String what, String[] list, String... remove) {
    try {
      String ids = docker(list);
      if (ids.isEmpty()) return;
      List<String> args = new ArrayList<>(List.of(remove));
      args.addAll(List.of(ids.split("\\s+")));
      docker(args.toArray(String[]::new));
    } catch (RuntimeException e) {
      LOG.warn("could not remove {} of {}: {}", what, dockerHost(), e.getMessage());
    }
  }

  private Map<String, String> cliEnv() {
    return Map.of("DOCKER_HOST", dockerHost(), "DOCKER_CONFIG", dir.resolve("cli").toString());
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("dockerd.log"), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /**
   * SIGTERM, then SIGKILL when the process outlives {@link #STOP_TIMEOUT}; returns once it is gone
   * (a daemon started on the same state while the old one still holds its databases' locks would
   * fail to open them).
   */
  private static void stop(ProcessHandle p) {
    if (!p.isAlive()) return;
    p.destroy();
    try {
      p.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return;
    } catch (Exception e) {
      LOG.warn("pid {} did not stop within {} s; killing it", p.pid(), STOP_TIMEOUT.toSeconds());
    }
    p.destroyForcibly();
    try {
      p.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("pid {} still runs {} s after SIGKILL", p.pid(), STOP_TIMEOUT.toSeconds());
    }
  }

  /**
   * The last {@code count} lines of the daemon's log (all its runs since {@link #start()}) that
   * contain {@code needle}, oldest first; empty when there is no log.
   */
  public List<String> logLines(String needle, int count) {
    try {
      List<String> hits = Files.readAllLines(dir.resolve("dockerd.log"), StandardCharsets.UTF_8).stream()
          .filter(l -> l.contains(needle)).toList();
      return hits.subList(Math.max(0, hits.size() - count), hits.size());
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Lazily unmounts what dockerd left mounted under {@code root} (network namespaces, layers). */
  private static void unmountUnder(Path root) {
    List<String> mounts;
    try {
      mounts = Files.readAllLines(Path.of("/proc/mounts"));
    } catch (IOException e) {
      return;
    }
    String prefix = root.toString();
    mounts.stream()
        .map(line -> line.split(" ")[1].replace("\\040", " "))
        .filter(mp -> mp.equals(prefix) || mp.startsWith(prefix + "/"))
        .sorted(Comparator.comparingInt(String::length).reversed())
        .forEach(mp -> exec(List.of("umount", "-l", mp), Map.of(), Duration.ofSeconds(10)));
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not delete {}: {}", root, e.getMessage());
    }
    if (Files.exists(root)) LOG.warn("{} was not fully deleted", root);
  }

  static Optional<String> findBinary(String name) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.addAll(EXTRA_BIN_DIRS);
    return dirs.stream().filter(d -> !d.isBlank()).map(d -> Path.of(d, name))
        .filter(Files::isExecutable).map(Path::toString).findFirst();
  }

  /** The outcome of one external command; exit code -1 means it ran past its timeout and was killed. */
  record ExecResult(int exitCode, String stdout, String stderr) {}

  /** Runs a command with extra environment variables; never throws for a failing command. */
  static ExecResult exec(List<String> command, Map<String, String> env, Duration timeout) {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove("DOCKER_CONTEXT");
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return new ExecResult(-1, "", String.join(" ", command) + " ran past " + timeout.toSeconds() + " s");
      }
      return new ExecResult(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      return new ExecResult(127, "", "could not run " + command.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ExecResult(-1, "", "interrupted");
    }
  }

  private static String readAll(java.io.InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for dockerd", e);
    }
  }
}
