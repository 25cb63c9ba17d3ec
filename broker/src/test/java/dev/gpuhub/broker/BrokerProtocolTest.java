package dev.gpuhub.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.balance.Strategy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerProtocolTest {

  @Test
  void theSeedsExactStrings() {
    assertThat(BrokerProtocol.clientRequest(AppType.LONG, Strategy.LEAST_CONNECTIONS)).isEqualTo("AppID:Long:least_connections");
    assertThat(BrokerProtocol.clientRequest(AppType.SHORT, Strategy.ROUND_ROBIN)).isEqualTo("AppID:Short:round_robin");
    assertThat(BrokerProtocol.workerRequest(AppType.LONG)).isEqualTo("AppID:Long");
    assertThat(BrokerProtocol.workerRequest(AppType.SHORT)).isEqualTo("AppID:Short");
    assertThat(BrokerProtocol.WORKER_REPLY.getBytes(StandardCharsets.UTF_8))
        .isEqualTo(new byte[] {'R', 'e', 's', 'p', 'o', 'n', 's', 'e', ' ', 'f', 'r', 'o', 'm', ' ', 'W', 'o', 'r', 'k', 'e', 'r'});
  }

  @Test
  void parsesLikeTheSeedWithItsStripAndRejectsEverythingElse() {
    assertThat(BrokerProtocol.parseClientRequest("AppID:Long:least_connections"))
        .contains(new BrokerProtocol.ClientRequest(AppType.LONG, Strategy.LEAST_CONNECTIONS));
    assertThat(BrokerProtocol.parseClientRequest("AppID: Short :round_robin \r"))
        .contains(new BrokerProtocol.ClientRequest(AppType.SHORT, Strategy.ROUND_ROBIN));
    for (String bad : List.of("", "hello", "AppID", "AppID:Long", "AppID:long:round_robin", "AppID:Medium:round_robin",
        "AppID:Short:random", "AppID:Short:Round_Robin", "AppID:Short:round_robin:extra", "App:Short:round_robin",
        "GET / HTTP/1.1")) {
      assertThat(BrokerProtocol.parseClientRequest(bad)).as(bad).isEmpty();
    }
    assertThat(BrokerProtocol.parseWorkerRequest("AppID:Long")).contains(AppType.LONG);
    assertThat(BrokerProtocol.parseWorkerRequest("AppID: Short ")).contains(AppType.SHORT);
    for (String bad : List.of("", "AppID", "AppID:", "AppID:Medium", "AppID:Long:round_robin", "Long")) {
      assertThat(BrokerProtocol.parseWorkerRequest(bad)).as(bad).isEmpty();
    }
  }

  @Test
  void aReaderStopsAtAValidRequestOrAtOneThatCannotBecomeValid() {
    assertThat(BrokerProtocol.clientRequestDone("AppID:Short:round_robin")).isTrue();
    assertThat(BrokerProtocol.clientRequestDone("AppID:Sh")).isFalse();
    assertThat(BrokerProtocol.clientRequestDone("AppID:Long:least")).isFalse();
    assertThat(BrokerProtocol.clientRequestDone("App")).isFalse();
    assertThat(BrokerProtocol.clientRequestDone("GET / HTTP/1.1")).isTrue();
    assertThat(BrokerProtocol.clientRequestDone("AppID:Medium")).isTrue();
    assertThat(BrokerProtocol.workerRequestDone("AppID:Long")).isTrue();
    assertThat(BrokerProtocol.workerRequestDone("AppID:Lo")).isFalse();
    assertThat(BrokerProtocol.workerRequestDone("AppID:Long:x")).isTrue();
  }

  @Test
  void errorLines() {
    assertThat(BrokerProtocol.malformedClientRequest("GET / HTTP/1.1"))
        .isEqualTo("ERROR: malformed request 'GET / HTTP/1.1'; expected AppID:{Long|Short}:{least_connections|round_robin}\n");
    assertThat(BrokerProtocol.malformedWorkerRequest("AppID:Medium"))
        .isEqualTo("ERROR: malformed request 'AppID:Medium'; expected AppID:{Long|Short}\n");
    assertThat(BrokerProtocol.noWorkerAlive(List.of("127.0.0.1:9002", "127.0.0.1:9003")))
        .isEqualTo("ERROR: no worker is alive (tried 127.0.0.1:9002, 127.0.0.1:9003)\n");
    assertThat(BrokerProtocol.malformedClientRequest("a\u0000b'\n")).contains("'a\\x00b\\'\\n'");
    assertThat(BrokerProtocol.malformedClientRequest("x".repeat(2000))).contains("x".repeat(100) + "...'");
    assertThat(BrokerProtocol.isError(BrokerProtocol.noWorkerAlive(List.of()))).isTrue();
    assertThat(BrokerProtocol.isError(BrokerProtocol.WORKER_REPLY)).isFalse();
  }

  @Test
  void workerLists() {
    assertThat(BrokerConfig.parseWorkers("127.0.0.1:9002, localhost:9003,9004,[::1]:9005"))
        .containsExactly(new InetSocketAddress("127.0.0.1", 9002), new InetSocketAddress("localhost", 9003),
            new InetSocketAddress("127.0.0.1", 9004), new InetSocketAddress("::1", 9005));
    assertThat(BrokerConfig.parseWorkers(BrokerConfig.DEFAULT_WORKERS).stream().map(BrokerConfig::id))
        .containsExactly("127.0.0.1:9002", "127.0.0.1:9003", "127.0.0.1:9004");
    assertThat(BrokerConfig.id(new InetSocketAddress("::1", 9005))).isEqualTo("[0:0:0:0:0:0:0:1]:9005");
    assertThatThrownBy(() -> BrokerConfig.parseWorkers("127.0.0.1:x")).hasMessageContaining("'127.0.0.1:x'");
    assertThatThrownBy(() -> BrokerConfig.parseWorkers(":9002")).hasMessageContaining("no host");
    assertThatThrownBy(() -> BrokerConfig.parseWorkers("127.0.0.1:70000")).hasMessageContaining("1-65535");
    assertThatThrownBy(() -> BrokerConfig.parseWorkers(" , ")).hasMessageContaining("no worker");
    assertThatThrownBy(() -> BrokerConfig.of(BrokerConfig.parseWorkers("9002,127.0.0.1:9002")))
        .hasMessageContaining("listed twice");
    assertThat(WorkerConfig.of(3).port()).isEqualTo(9004);
    assertThat(BrokerConfig.defaults().port()).isEqualTo(8000);
    assertThat(BrokerConfig.defaults().bindHost()).isEqualTo("127.0.0.1");
  }
}
