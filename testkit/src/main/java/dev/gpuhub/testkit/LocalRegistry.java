package dev.gpuhub.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real image registry (Debian's {@code docker-registry}, the CNCF distribution registry) on a free
 * loopback port, storing in its own temporary directory: a lab's own registry for integration
 * tests. Docker treats {@code 127.0.0.1} registries as trusted without TLS. {@link #close()} kills it
 * and deletes its storage.
 */
public final class LocalRegistry implements AutoCloseable {
  private static final Path BINARY = Path.of("/usr/bin/docker-registry");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final Process process;
  private final Path dir;
  private final int port;

  private LocalRegistry(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** Starts a registry; the caller closes it. */
  public static LocalRegistry start() {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(BINARY + " not found: install Debian package docker-registry "
          + "(apt-get install -y docker-registry; scripts/test.sh does)");
    }
    int port = FreePorts.pick();
    Path dir;
    try {
      dir = Files.createTempDirectory("gpuhub-registry-");
      Files.writeString(dir.resolve("config.yml"), String.join("\n", List.of(
          "version: 0.1",
          "log:",
          "  level: warn",
          "storage:",
          "  filesystem:",
          "    rootdirectory: " + dir.resolve("storage"),
          "http:",
          "  addr: 127.0.0.1:" + port,
          "")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the registry's directory", e);
    }
    Process process;
    try {
      process = new ProcessBuilder(BINARY.toString(), "serve", dir.resolve("config.yml").toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + BINARY, e);
    }
    LocalRegistry registry = new LocalRegistry(process, dir, port);
    registry.awaitReady();
    return registry;
  }

  /** {@code 127.0.0.1:<port>}, the registry part of image references. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) break;
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) return;
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    String log;
    try {
      log = Files.readString(dir.resolve("registry.log"));
    } catch (IOException e) {
      log = "(no log)";
    }
    close();
    throw new IllegalStateException("docker-registry did not answer on " + host() + " within " + START_TIMEOUT
        + "; its log:\n" + log);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temporary directory
    }
  }
}
