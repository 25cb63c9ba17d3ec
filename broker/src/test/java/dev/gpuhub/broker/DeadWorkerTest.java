package dev.gpuhub.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.core.balance.BackendStatus;
import dev.gpuhub.core.balance.BackoffPolicy;
import dev.gpuhub.core.balance.Strategy;
import dev.gpuhub.testkit.FreePorts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A worker that refuses, drops or hangs is skipped; the client sees an error only when none is alive. */
class DeadWorkerTest {
  private final List<AutoCloseable> open = new ArrayList<>();
  private ExecutorService exec;

  @AfterEach
  void stop() throws Exception {
    if (exec != null) exec.shutdownNow();
    for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
  }

  private WorkerServer worker(int id, int port, Duration longD, Duration shortD) throws Exception {
    WorkerServer w = WorkerServer.start(WorkerConfig.of(id).withPort(port).withDurations(longD, shortD));
    open.add(w);
    return w;
  }

  private BrokerServer broker(List<Integer> ports, Duration backoff, Duration replyTimeout) throws Exception {
    List<InetSocketAddress> ws = ports.stream().map(p -> new InetSocketAddress("127.0.0.1", p)).toList();
    BrokerServer b = BrokerServer.start(BrokerConfig.of(ws).withPort(0).withBackoff(new BackoffPolicy(backoff, backoff))
        .withReplyTimeout(replyTimeout));
    open.add(b);
    return b;
  }

  private static String ask(BrokerServer b, AppType type, Strategy s) throws Exception {
    return BrokerClient.request(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port()), type, s, Fixture.TIMEOUT);
  }

  @Test
  void aRefusingWorkerIsMarkedDownSkippedAndItsRequestServedElsewhere() throws Exception {
    int dead = FreePorts.pick();
    WorkerServer w2 = worker(2, 0, Duration.ofMillis(20), Duration.ofMillis(5));
    WorkerServer w3 = worker(3, 0, Duration.ofMillis(20), Duration.ofMillis(5));
    BrokerServer b = broker(List.of(dead, w2.port(), w3.port()), Duration.ofSeconds(30), Duration.ofSeconds(10));
    for (int i = 0; i < 6; i++) {
      assertThat(ask(b, AppType.SHORT, i % 2 == 0 ? Strategy.ROUND_ROBIN : Strategy.LEAST_CONNECTIONS)).isEqualTo("Response from Worker");
    }
    BackendStatus deadStatus = b.workers().get(0);
    assertThat(deadStatus.id()).isEqualTo("127.0.0.1:" + dead);
    assertThat(deadStatus.up()).isFalse();
    assertThat(deadStatus.retryInNanos()).isPositive();
    assertThat(b.stats().failovers()).as("tried once, then skipped during its back-off").isEqualTo(1);
    assertThat(w2.served() + w3.served()).isEqualTo(6);
    assertThat(b.workers()).allSatisfy(s -> assertThat(s.activeConnections()).isZero());
  }

  @Test
  void aDownWorkerIsTriedAgainAfterItsBackoffAndComesBack() throws Exception {
    int port = FreePorts.pick();
    WorkerServer w2 = worker(2, 0, Duration.ofMillis(20), Duration.ofMillis(5));
    BrokerServer b = broker(List.of(port, w2.port()), Duration.ofMillis(300), Duration.ofSeconds(10));
    assertThat(ask(b, AppType.SHORT, Strategy.ROUND_ROBIN)).isEqualTo("Response from Worker");
    assertThat(b.workers().get(0).up()).isFalse();
    WorkerServer w1 = worker(1, port, Duration.ofMillis(20), Duration.ofMillis(5));
    Thread.sleep(400);
    for (int i = 0; i < 4; i++) assertThat(ask(b, AppType.SHORT, Strategy.ROUND_ROBIN)).isEqualTo("Response from Worker");
    assertThat(w1.served()).as("back in rotation").isGreaterThanOrEqualTo(1);
    assertThat(b.workers().get(0).up()).isTrue();
    assertThat(b.workers().get(0).consecutiveFailures()).isZero();
  }

  @Test
  void whenNoWorkerIsAliveTheClientGetsOneClearErrorLine() throws Exception {
    int d1 = FreePorts.pick();
    int d2 = FreePorts.pick();
    BrokerServer b = broker(List.of(d1, d2), Duration.ofSeconds(30), Duration.ofSeconds(10));
    String expected = "ERROR: no worker is alive (tried 127.0.0.1:" + d1 + ", 127.0.0.1:" + d2 + ")\n";
    assertThat(ask(b, AppType.SHORT, Strategy.ROUND_ROBIN)).isEqualTo(expected);
    // Both are down and backing off; they are still tried (last resort) rather than failing blind.
    String again = ask(b, AppType.LONG, Strategy.LEAST_CONNECTIONS);
    assertThat(again).startsWith("ERROR: no worker is alive (tried ").contains(":" + d1).contains(":" + d2);
    assertThat(b.stats().noWorker()).isEqualTo(2);
    assertThat(b.workers()).allSatisfy(s -> assertThat(s.activeConnections()).isZero());
  }

  @Test
  void aWorkerThatDiesMidRequestIsMarkedDownAndTheRequestRetriedElsewhere() throws Exception {
    WorkerServer doomed = worker(1, 0, Duration.ofSeconds(10), Duration.ofSeconds(10));
    WorkerServer w2 = worker(2, 0, Duration.ofMillis(100), Duration.ofMillis(5));
    BrokerServer b = broker(List.of(doomed.port(), w2.port()), Duration.ofSeconds(30), Duration.ofSeconds(30));
    exec = Executors.newSingleThreadExecutor();
    // Round robin's first choice is the first worker.
    Future<String> reply = exec.submit(() -> ask(b, AppType.LONG, Strategy.ROUND_ROBIN));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (doomed.openConnections() < 1 && System.nanoTime() < deadline) Thread.sleep(5);
    Thread.sleep(50);
    doomed.close(); // the worker process dies: its connections are closed without a reply
    assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("Response from Worker");
    assertThat(w2.served()).isEqualTo(1);
    assertThat(b.workers().get(0).up()).isFalse();
    assertThat(b.stats().failovers()).isEqualTo(1);
  }

  @Test
  void aWorkerThatAcceptsAndClosesWithoutReplyOrHangsCountsAsDown() throws Exception {
    try (ServerSocket closer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
         ServerSocket hanger = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CompletableFuture.runAsync(() -> {
        try (Socket s = closer.accept()) {
          s.getInputStream().read(new byte[1024]);
        } catch (Exception ignored) {
          // test ends
        }
      });
      List<Socket> held = new ArrayList<>();
      CompletableFuture.runAsync(() -> {
        try {
          held.add(hanger.accept()); // reads nothing, answers nothing
        } catch (Exception ignored) {
          // test ends
        }
      });
      WorkerServer ok = worker(3, 0, Duration.ofMillis(20), Duration.ofMillis(5));
      BrokerServer b = broker(List.of(closer.getLocalPort(), hanger.getLocalPort(), ok.port()), Duration.ofSeconds(30),
          Duration.ofMillis(300));
      assertThat(ask(b, AppType.SHORT, Strategy.ROUND_ROBIN)).isEqualTo("Response from Worker");
      assertThat(ask(b, AppType.SHORT, Strategy.ROUND_ROBIN)).isEqualTo("Response from Worker");
      assertThat(b.workers()).extracting(BackendStatus::up).containsExactly(false, false, true);
      assertThat(b.stats().failovers()).isEqualTo(2);
      for (Socket s : held) s.close();
    }
  }
}
