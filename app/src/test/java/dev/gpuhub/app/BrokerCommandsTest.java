package dev.gpuhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.broker.BrokerConfig;
import dev.gpuhub.broker.BrokerServer;
import dev.gpuhub.broker.WorkerConfig;
import dev.gpuhub.broker.WorkerServer;
import dev.gpuhub.testkit.FreePorts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code gpuhub broker | worker | client}: options, defaults, exit codes and one request end to end in-process. */
class BrokerCommandsTest {

  private record Run(int code, String out, String err) {}

  private static Run gpuhub(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = new CommandLine(new GpuhubCommand()).setExecutionExceptionHandler(new FriendlyErrors())
        .setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static <T> T parse(T command, StringWriter out, String... args) {
    new CommandLine(command).setOut(new PrintWriter(out)).parseArgs(args);
    return command;
  }

  @Test
  void usageListsTheThreeCommands() {
    Run r = gpuhub("--help");
    assertThat(r.out()).contains("broker").contains("worker").contains("client");
  }

  @Test
  void workerDefaultsAreTheSeeds() {
    WorkerConfig c = parse(new WorkerCommand(), new StringWriter(), "--id", "3").config(new PrintWriter(new StringWriter()));
    assertThat(c.port()).isEqualTo(9004);
    assertThat(c.bindHost()).isEqualTo("127.0.0.1");
    assertThat(c.longDuration()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.shortDuration()).isEqualTo(Duration.ofSeconds(1));
    WorkerConfig changed = parse(new WorkerCommand(), new StringWriter(), "--id", "1", "--long-ms", "500", "--short-ms", "100",
        "--port", "0", "--max-concurrent", "1", "--quiet").config(new PrintWriter(new StringWriter()));
    assertThat(changed.longDuration()).isEqualTo(Duration.ofMillis(500));
    assertThat(changed.shortDuration()).isEqualTo(Duration.ofMillis(100));
    assertThat(changed.port()).isZero();
    assertThat(changed.maxConcurrent()).isEqualTo(1);
    assertThat(changed.log()).isNull();
  }

  @Test
  void brokerDefaultsAreTheSeeds() {
    BrokerConfig c = parse(new BrokerCommand(), new StringWriter()).config(new PrintWriter(new StringWriter()));
    assertThat(c.port()).isEqualTo(8000);
    assertThat(c.bindHost()).isEqualTo("127.0.0.1");
    assertThat(c.workers().stream().map(BrokerConfig::id)).containsExactly("127.0.0.1:9002", "127.0.0.1:9003", "127.0.0.1:9004");
  }

  @Test
  void badInputIsOneClearLine() {
    Run workers = gpuhub("broker", "--workers", "127.0.0.1:x");
    assertThat(workers.code()).isEqualTo(2);
    assertThat(workers.err()).contains("gpuhub broker: worker '127.0.0.1:x' has no valid port");
    Run type = gpuhub("client", "Medium", "round_robin");
    assertThat(type.code()).isEqualTo(2);
    assertThat(type.err()).contains("'Medium' is not a type: use Long or Short");
    Run approach = gpuhub("client", "Long", "random");
    assertThat(approach.code()).isEqualTo(2);
    assertThat(approach.err()).contains("'random' is not an approach: use least_connections or round_robin");
    Run noId = gpuhub("worker");
    assertThat(noId.code()).isEqualTo(2);
    assertThat(noId.err()).contains("--id");
    int nobody = FreePorts.pick();
    Run noBroker = gpuhub("client", "Short", "round_robin", "--port", String.valueOf(nobody));
    assertThat(noBroker.code()).isEqualTo(2);
    assertThat(noBroker.err()).contains("gpuhub client: cannot reach the broker at 127.0.0.1:" + nobody);
  }

  @Test
  void workerBrokerAndClientEndToEnd() throws Exception {
    StringWriter workerOut = new StringWriter();
    StringWriter brokerOut = new StringWriter();
    try (WorkerServer worker = parse(new WorkerCommand(), workerOut, "--id", "1", "--port", "0", "--long-ms", "50",
             "--short-ms", "10").start();
         BrokerServer broker = parse(new BrokerCommand(), brokerOut, "--port", "0",
             "--workers", "127.0.0.1:" + worker.port() + ",127.0.0.1:" + FreePorts.pick()).start()) {
      assertThat(workerOut.toString()).startsWith("[Worker-1] Listening on port " + worker.port() + "...");
      assertThat(brokerOut.toString()).startsWith("[Broker] Listening on port " + broker.port() + "...");
      String port = String.valueOf(broker.port());
      for (String[] req : new String[][] {{"Long", "least_connections"}, {"Short", "round_robin"}, {"Short", "round_robin"}}) {
        Run r = gpuhub("client", req[0], req[1], "--port", port);
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("[Client] Received: Response from Worker" + System.lineSeparator());
      }
      assertThat(brokerOut.toString()).contains("[Broker] Response from Worker-1: Response from Worker")
          .contains("[Broker] Failed to connect to Worker-2");
      assertThat(workerOut.toString()).contains("[Worker] Processing long request from")
          .contains("[Worker] Processing short request from");
      worker.close();
      Run dead = gpuhub("client", "Short", "least_connections", "--port", port);
      assertThat(dead.code()).isEqualTo(1);
      assertThat(dead.out()).startsWith("[Client] Received: ERROR: no worker is alive (tried ");
    }
  }
}
