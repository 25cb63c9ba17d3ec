package dev.gpuhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jar run as {@code ./gpuhub server} runs it stops within 10 s of SIGTERM, even with
 * clients holding connections open (a request sent halfway, an idle kept-alive connection).
 */
class ServerShutdownIT {
  @TempDir Path dir;

  @Test
  void theServerExitsWithinTenSecondsOfSigterm() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+ExitOnOutOfMemoryError", "-jar", Path.of("target", "gpuhub.jar").toAbsolutePath().toString(), "server")
        .redirectErrorStream(true);
    pb.environment().put("GPUHUB_AGENT_TOKEN", dev.gpuhub.wire.AgentAuth.generateToken());
    pb.environment().put("API_PORT", "0");
    pb.environment().put("HUB_PORT", "0");
    pb.environment().put("GPUHUB_BIND", "127.0.0.1");
    pb.environment().put("GPUHUB_DATA_DIR", dir.toString());
    Process server = pb.start();
    List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicReference<String> hub = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          output.add(line);
          int at = line.indexOf("hub on ");
          if (at >= 0) hub.set(line.substring(at + 7).replace("/hub/", ""));
        }
      } catch (java.io.IOException e) {
        // the process ended
      }
    });
    reader.start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (hub.get() == null && server.isAlive() && System.nanoTime() < deadline) Thread.sleep(100);
      assertThat(hub.get()).as("the hub's address; output: %s", output).isNotNull();
      URI url = URI.create(hub.get());

      // a client that sent half a request, and one that keeps an idle connection
      try (Socket half = new Socket(url.getHost(), url.getPort()); Socket idle = new Socket(url.getHost(), url.getPort())) {
        OutputStream h = half.getOutputStream();
        h.write("GET /hub/login HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        h.flush();
        OutputStream i = idle.getOutputStream();
        i.write("GET /hub/login HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        i.flush();
        assertThat(new String(idle.getInputStream().readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");

        long asked = System.nanoTime();
        server.destroy(); // SIGTERM
        boolean exited = server.waitFor(30, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - asked) / 1e9;
        System.out.printf("ServerShutdownIT: exited %.2f s after SIGTERM with status %s%n", seconds,
            exited ? server.exitValue() : "none");
        assertThat(exited).as("output: %s", output).isTrue();
        assertThat(seconds).as("seconds from SIGTERM to exit; output: %s", output).isLessThan(10);
      }
    } finally {
      server.destroyForcibly();
      reader.join(5000);
    }
  }
}
