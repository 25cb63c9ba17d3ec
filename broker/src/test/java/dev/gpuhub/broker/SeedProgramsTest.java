package dev.gpuhub.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.core.balance.Strategy;
import dev.gpuhub.testkit.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's own Python programs (test resources {@code seed004/}, ports made arguments) against
 * ours, in every pairing the seed's topology allows. Skipped when there is no {@code python3}.
 */
class SeedProgramsTest {
  private static boolean python;
  private final List<Process> processes = new ArrayList<>();
  private final List<AutoCloseable> servers = new ArrayList<>();
  @TempDir Path dir;

  @BeforeAll
  static void findPython() {
    try {
      Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      python = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      python = false;
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (Process p : processes) {
      p.destroy();
      p.waitFor(5, TimeUnit.SECONDS);
    }
    for (AutoCloseable s : servers) s.close();
  }

  private Path script(String name) throws IOException {
    Path out = dir.resolve(name);
    try (InputStream in = getClass().getResourceAsStream("/seed004/" + name)) {
      Files.write(out, in.readAllBytes());
    }
    return out;
  }

  /** Starts a long-running seed program and waits for its "Listening on port" line. */
  private Process startSeed(String name, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("python3", "-u", script(name).toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    processes.add(p);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertThat(line).as(name + " start line").contains("Listening on port");
    Thread drain = new Thread(() -> {
      try {
        while (out.readLine() != null) {
          // keep the pipe from filling up
        }
      } catch (IOException ignored) {
        // process ended
      }
    });
    drain.setDaemon(true);
    drain.start();
    return p;
  }

  private String runSeedClient(String type, String approach, int brokerPort) throws Exception {
    Process p = new ProcessBuilder("python3", script("client.py").toString(), type, approach, String.valueOf(brokerPort))
        .redirectErrorStream(true).start();
    processes.add(p);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  private WorkerServer ourWorker(int id) throws IOException {
    WorkerServer w = WorkerServer.start(WorkerConfig.of(id).withPort(0).withDurations(Duration.ofMillis(50), Duration.ofMillis(10)));
    servers.add(w);
    return w;
  }

  private BrokerServer ourBroker(List<Integer> workerPorts) throws IOException {
    List<InetSocketAddress> ws = workerPorts.stream().map(p -> new InetSocketAddress("127.0.0.1", p)).toList();
    BrokerServer b = BrokerServer.start(BrokerConfig.of(ws).withPort(0));
    servers.add(b);
    return b;
  }

  @Test
  void seedClientThroughOurBrokerToOurWorkers() throws Exception {
    assertThat(python).as("python3 (installed by scripts/test.sh) is on the PATH").isTrue();
    BrokerServer broker = ourBroker(List.of(ourWorker(1).port(), ourWorker(2).port()));
    for (String[] req : new String[][] {{"Long", "least_connections"}, {"Short", "round_robin"}}) {
      assertThat(runSeedClient(req[0], req[1], broker.port())).isEqualTo("[Client] Received: Response from Worker\n");
    }
    assertThat(runSeedClient("Medium", "round_robin", broker.port()))
        .startsWith("[Client] Received: ERROR: malformed request 'AppID:Medium:round_robin'");
  }

  @Test
  void ourClientThroughTheSeedBrokerToOurWorkers() throws Exception {
    assertThat(python).as("python3 (installed by scripts/test.sh) is on the PATH").isTrue();
    int port = FreePorts.pick();
    startSeed("broker.py", String.valueOf(port), String.valueOf(ourWorker(1).port()), String.valueOf(ourWorker(2).port()));
    InetSocketAddress seedBroker = new InetSocketAddress("127.0.0.1", port);
    assertThat(BrokerClient.request(seedBroker, AppType.SHORT, Strategy.ROUND_ROBIN, Fixture.TIMEOUT)).isEqualTo("Response from Worker");
    assertThat(BrokerClient.request(seedBroker, AppType.LONG, Strategy.LEAST_CONNECTIONS, Fixture.TIMEOUT)).isEqualTo("Response from Worker");
  }

  @Test
  void seedClientThroughOurBrokerToTheSeedWorker() throws Exception {
    assertThat(python).as("python3 (installed by scripts/test.sh) is on the PATH").isTrue();
    int workerPort = FreePorts.pick();
    startSeed("worker.py", "1", String.valueOf(workerPort));
    BrokerServer broker = ourBroker(List.of(workerPort));
    assertThat(runSeedClient("Short", "least_connections", broker.port())).isEqualTo("[Client] Received: Response from Worker\n");
    assertThat(BrokerClient.request(new InetSocketAddress("127.0.0.1", broker.port()), AppType.SHORT, Strategy.ROUND_ROBIN,
        Fixture.TIMEOUT)).isEqualTo("Response from Worker");
    assertThat(broker.workers().get(0).up()).isTrue();
  }
}
