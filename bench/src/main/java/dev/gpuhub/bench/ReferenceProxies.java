package dev.gpuhub.bench;

import dev.gpuhub.testkit.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Yardsticks for the proxy rows of {@link JupyterHubComparison}, not systems gpuhub competes with:
 * what a proxy written in C on an event loop costs on the same machine. HAProxy (Debian's
 * {@code haproxy}, HTTP mode, connections to the server kept and reused) forwards HTTP as every
 * proxy in the comparison does; socat (Debian's {@code socat}) relays TCP bytes without reading
 * HTTP at all, the least any extra hop can cost. Both listen on loopback only and forward to the
 * one server; each runs in the foreground as a child process and is stopped by {@link #close()}.
 */
final class ReferenceProxies implements AutoCloseable {
  /** One running yardstick: its name with its version, and the origin ({@code http://host:port}) it serves. */
  record Proxy(String name, String origin) {}

  private final List<Process> processes = new ArrayList<>();
  private final List<Proxy> proxies = new ArrayList<>();

  /**
   * Starts HAProxy and socat in front of {@code serverHost:serverPort} when their executables are
   * given (null: that one is left out); waits until each accepts connections.
   */
  ReferenceProxies(String haproxy, String socat, String serverHost, int serverPort, Path dir)
      throws IOException, InterruptedException {
    try {
      if (haproxy != null) {
        int port = FreePorts.pick();
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, String.join("\n",
            "global", "  maxconn 256",
            "defaults", "  mode http", "  timeout connect 5s", "  timeout client 60s", "  timeout server 60s",
            "  option http-keep-alive",
            "frontend bench", "  bind 127.0.0.1:" + port, "  default_backend notebook",
            "backend notebook", "  http-reuse always", "  server notebook " + serverHost + ":" + serverPort, ""));
        start(List.of(haproxy, "-db", "-f", config.toString()), dir.resolve("haproxy.log"), port,
            "HAProxy " + firstLine(haproxy, "-v").replaceFirst("^HAProxy version ", "").split(" ")[0]);
      }
      if (socat != null) {
        int port = FreePorts.pick();
        start(List.of(socat, "TCP-LISTEN:" + port + ",bind=127.0.0.1,fork,reuseaddr,nodelay",
                "TCP:" + serverHost + ":" + serverPort + ",nodelay"), dir.resolve("socat.log"), port,
            "socat " + firstLine(socat, "-V").replaceAll(".*socat version (\\S+).*", "$1") + " (TCP relay)");
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The yardsticks that run, in start order. */
  List<Proxy> proxies() {
    return List.copyOf(proxies);
  }

  private void start(List<String> command, Path log, int port, String name) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(p);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        break;
      } catch (IOException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(name + " did not start on port " + port + ": " + Files.readString(log), e);
        }
        Thread.sleep(100);
      }
    }
    proxies.add(new Proxy(name, "http://127.0.0.1:" + port));
  }

  private static String firstLine(String executable, String flag) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(executable, flag).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out.lines().filter(l -> !l.isBlank()).filter(l -> !flag.equals("-V") || l.contains("socat version"))
        .findFirst().orElse("?").strip();
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
    }
    processes.clear();
  }
}
