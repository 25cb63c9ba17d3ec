package dev.gpuhub.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Container images for integration tests, built locally (there is no registry to pull from).
 *
 * <p>{@link #busybox(LocalDockerd)} imports a one-layer image holding the host's static busybox
 * with every applet linked into /bin (sh, sleep, httpd, nc, wget, ...), so
 * {@code docker run --network host IMAGE sleep 300} works. Each daemon imports it at most once.
 *
 * <p>{@link #notebook(LocalDockerd)} builds the product's default Jupyter image with the project's
 * own {@code scripts/build-notebook-image.sh}: a few minutes the first time on a machine, then a
 * {@code docker import} of the cached root file system (seconds).
 */
public final class TestImages {
  /** Tag of the busybox image. */
  public static final String BUSYBOX = "gpuhub-test/busybox:latest";
  /** The static busybox binary of Debian package busybox-static. */
  static final Path BUSYBOX_BINARY = Path.of("/bin/busybox");
  /** Tag of the notebook image: the product's default, so tests run what users run. */
  public static final String NOTEBOOK = "gpuhub-notebook:latest";
  /** The build script, relative to the repository root. */
  static final Path NOTEBOOK_SCRIPT = Path.of("scripts", "build-notebook-image.sh");
  /** Longest notebook image build: debootstrap plus apt-get on a slow mirror. */
  static final Duration NOTEBOOK_BUILD_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);
  /** Characters of the script's output kept for error messages. */
  private static final int OUTPUT_TAIL_CHARS = 4000;

  private static final Set<String> IMPORTED = new HashSet<>();
  /** Daemon address to the failure of its notebook build, so a broken build fails fast after the first try. */
  private static final Map<String, String> NOTEBOOK_FAILURES = new HashMap<>();
  private static final Set<String> NOTEBOOK_BUILT = new HashSet<>();

  private static final Logger LOG = LoggerFactory.getLogger(TestImages.class);

  private TestImages() {}

  /**
   * Makes sure {@link #BUSYBOX} exists in the daemon and returns that tag.
   *
   * @throws IllegalStateException when /bin/busybox is missing or the import fails
   */
  public static synchronized String busybox(LocalDockerd dockerd) {
    if (IMPORTED.contains(dockerd.dockerHost())) return BUSYBOX;
    if (!Files.isExecutable(BUSYBOX_BINARY)) {
      throw new IllegalStateException(BUSYBOX_BINARY + " not found: install Debian package busybox-static "
          + "(apt-get install -y busybox-static; scripts/test.sh does)");
    }
    Path work = null;
    try {
      work = Files.createTempDirectory("gh-busybox-");
      Path tar = buildRootfsTar(work);
      dockerd.docker("import", tar.toString(), BUSYBOX);
      IMPORTED.add(dockerd.dockerHost());
      return BUSYBOX;
    } catch (IOException e) {
      throw new UncheckedIOException("could not build the busybox image", e);
    } finally {
      if (work != null) deleteTree(work);
    }
  }

  /**
   * Makes sure {@link #NOTEBOOK} exists in the daemon (running the build script against it once per
   * JVM) and returns that tag. The script needs root, debootstrap (installed with apt-get when
   * missing) and the Debian mirror of the machine's apt sources the first time; later builds reuse
   * its cache under {@code $GPUHUB_CACHE_DIR} (default {@code ~/.cache/gpuhub}).
   *
   * @throws IllegalStateException when the script is not found or fails; the message carries the
   *     end of its output
   */
  public static synchronized String notebook(LocalDockerd dockerd) {
    String host = dockerd.dockerHost();
    if (NOTEBOOK_BUILT.contains(host)) return NOTEBOOK;
    if (NOTEBOOK_FAILURES.containsKey(host)) throw new IllegalStateException(NOTEBOOK_FAILURES.get(host));
    Path script = findRepoFile(NOTEBOOK_SCRIPT);
    long begin = System.nanoTime();
    LocalDockerd.ExecResult r = LocalDockerd.exec(List.of("bash", script.toString(), NOTEBOOK),
        Map.of("DOCKER_HOST", host), NOTEBOOK_BUILD_TIMEOUT);
    if (r.exitCode() != 0) {
      String output = (r.stdout() + r.stderr()).strip();
      String message = script + " failed (exit " + r.exitCode() + ") for " + host + ":\n"
          + output.substring(Math.max(0, output.length() - OUTPUT_TAIL_CHARS));
      NOTEBOOK_FAILURES.put(host, message);
      throw new IllegalStateException(message);
    }
    LOG.info("notebook image {} ready in {} after {} ms: {}", NOTEBOOK, host,
        (System.nanoTime() - begin) / 1_000_000, lastLine(r.stderr()));
    NOTEBOOK_BUILT.add(host);
    return NOTEBOOK;
  }

  /** {@code relative} in the first of the working directory and its parents that has it. */
  static Path findRepoFile(Path relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(relative);
      if (Files.isRegularFile(candidate)) return candidate;
    }
    throw new IllegalStateException(relative + " not found in " + Path.of("").toAbsolutePath()
        + " or its parents: run the tests from the gpuhub repository");
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1];
  }

  /** Writes rootfs/bin/busybox plus one symlink per applet, and tars rootfs into rootfs.tar. */
  private static Path buildRootfsTar(Path work) throws IOException {
    Path bin = Files.createDirectories(work.resolve("rootfs/bin"));
    Files.copy(BUSYBOX_BINARY, bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
    for (String applet : run(List.of(BUSYBOX_BINARY.toString(), "--list")).split("\\s+")) {
      if (!applet.isBlank() && !applet.equals("busybox")) Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
    }
    Files.createDirectories(work.resolve("rootfs/tmp"));
    Path tar = work.resolve("rootfs.tar");
    run(List.of("tar", "-C", work.resolve("rootfs").toString(), "-cf", tar.toString(), "bin", "tmp"));
    return tar;
  }

  private static String run(List<String> command) {
    LocalDockerd.ExecResult r = LocalDockerd.exec(command, Map.of(), TOOL_TIMEOUT);
    if (r.exitCode() != 0) {
      throw new IllegalStateException("'" + String.join(" ", command) + "' failed (exit " + r.exitCode() + "): "
          + r.stderr().strip());
    }
    return r.stdout();
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Leftovers in the temp directory are harmless.
    }
  }
}
