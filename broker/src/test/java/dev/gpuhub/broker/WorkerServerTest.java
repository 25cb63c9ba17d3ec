package dev.gpuhub.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkerServerTest {

  @Test
  void oneThreadPerRequestUpToTheBoundThenInOrder() throws Exception {
    try (WorkerServer w = WorkerServer.start(WorkerConfig.of(1).withPort(0).withMaxConcurrent(2)
        .withDurations(Duration.ofMillis(300), Duration.ofMillis(300)))) {
      InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), w.port());
      ExecutorService exec = Executors.newFixedThreadPool(4);
      try {
        long t0 = System.nanoTime();
        List<Future<String>> replies = new ArrayList<>();
        for (int i = 0; i < 4; i++) replies.add(exec.submit(() -> BrokerClient.send(at, "AppID:Short", Fixture.TIMEOUT)));
        for (Future<String> f : replies) assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("Response from Worker");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        // Two at a time: two rounds of 300 ms, not one (unbounded) nor four (one at a time).
        assertThat(elapsed).isBetween(Duration.ofMillis(590), Duration.ofMillis(1150));
      } finally {
        exec.shutdownNow();
      }
    }
  }

  @Test
  void beyondItsQueueAWorkerSaysBusy() throws Exception {
    try (WorkerServer w = WorkerServer.start(WorkerConfig.of(7).withPort(0).withMaxConcurrent(1).withMaxQueued(0)
        .withDurations(Duration.ofMillis(800), Duration.ofMillis(800)))) {
      InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), w.port());
      ExecutorService exec = Executors.newSingleThreadExecutor();
      try {
        Future<String> first = exec.submit(() -> BrokerClient.send(at, "AppID:Long", Fixture.TIMEOUT));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (w.openConnections() < 1 && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(BrokerClient.send(at, "AppID:Short", Fixture.TIMEOUT))
            .isEqualTo("ERROR: worker 7 busy (1 requests in progress, 0 waiting); try again later\n");
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("Response from Worker");
      } finally {
        exec.shutdownNow();
      }
    }
  }

  @Test
  void anEmptyConnectionDoesNotHurtIt() throws Exception {
    try (WorkerServer w = WorkerServer.start(WorkerConfig.of(1).withPort(0).withDurations(Duration.ZERO, Duration.ZERO))) {
      new Socket(InetAddress.getLoopbackAddress(), w.port()).close();
      InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), w.port());
      assertThat(BrokerClient.send(at, "AppID:Short", Fixture.TIMEOUT)).isEqualTo("Response from Worker");
    }
  }
}
