package dev.gpuhub.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Container images for integration tests, built locally (there is no registry to pull from).
 *
 * <p>{@link #busybox(LocalDockerd)} imports a one-layer image holding the host's static busybox
 * with every applet linked into /bin (sh, sleep, httpd, nc, wget, ...), so
 * {@code docker run --network host IMAGE sleep 300} works. Each daemon imports it at most once.
 */
public final class TestImages {
  /** Tag of the busybox image. */
  public static final String BUSYBOX = "gpuhub-test/busybox:latest";
  /** The static busybox binary of Debian package busybox-static. */
  static final Path BUSYBOX_BINARY = Path.of("/bin/busybox");
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);

  private static final Set<String> IMPORTED = new HashSet<>();

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
