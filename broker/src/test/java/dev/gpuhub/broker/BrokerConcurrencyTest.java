package dev.gpuhub.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.core.balance.BackendStatus;
import dev.gpuhub.core.balance.Strategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The seed's broker serves one client at a time; ours serves them all at once. */
class BrokerConcurrencyTest {
  private Fixture fixture;
  private ExecutorService clients;

  @AfterEach
  void stop() {
    if (clients != null) clients.shutdownNow();
    if (fixture != null) fixture.close();
  }

  private List<Future<String>> fire(int n, CountDownLatch go, java.util.function.IntFunction<Callable<String>> each) {
    clients = Executors.newFixedThreadPool(n);
    List<Future<String>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Callable<String> call = each.apply(i);
      out.add(clients.submit(() -> {
        go.await();
        return call.call();
      }));
    }
    return out;
  }

  @Test
  void hundredClientsAtOnceAreServedConcurrently() throws Exception {
    Duration work = Duration.ofMillis(500);
    fixture = Fixture.start(3, work, work);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<String>> replies = fire(100, go, i -> () -> fixture.request(i % 3 == 0 ? AppType.LONG : AppType.SHORT,
        i % 2 == 0 ? Strategy.ROUND_ROBIN : Strategy.LEAST_CONNECTIONS));
    long t0 = System.nanoTime();
    go.countDown();
    for (Future<String> f : replies) assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("Response from Worker");
    Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
    // One at a time (the seed's broker) would take 100 x 0.5 s = 50 s.
    assertThat(elapsed).isLessThan(Duration.ofSeconds(5));
    assertThat(fixture.broker.stats().relayed()).isEqualTo(100);
    assertThat(fixture.workers).allSatisfy(w -> assertThat(w.served()).isBetween(20L, 50L));
    // Every connection counted while open was uncounted when it finished.
    assertThat(fixture.broker.workers()).allSatisfy(s -> {
      assertThat(s.activeConnections()).isZero();
      assertThat(s.up()).isTrue();
    });
  }

  @Test
  void leastConnectionsCountsConnectionsOpenNowNotRequestsEverServed() throws Exception {
    fixture = Fixture.start(3, Duration.ofMillis(1500), Duration.ofMillis(10));
    // Worker 1 serves many short requests first: the seed's counters would make it look busiest forever.
    for (int i = 0; i < 9; i++) {
      assertThat(BrokerClient.send(new java.net.InetSocketAddress("127.0.0.1", fixture.workers.get(0).port()), "AppID:Short",
          Fixture.TIMEOUT)).isEqualTo("Response from Worker");
    }
    for (int i = 0; i < 6; i++) assertThat(fixture.request(AppType.SHORT, Strategy.LEAST_CONNECTIONS)).isEqualTo("Response from Worker");
    // 30 Long requests at once: while they run, the broker holds 10 open connections to each worker.
    CountDownLatch go = new CountDownLatch(1);
    List<Future<String>> replies = fire(30, go, i -> () -> fixture.request(AppType.LONG, Strategy.LEAST_CONNECTIONS));
    go.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    List<BackendStatus> during;
    do {
      during = fixture.broker.workers();
      Thread.sleep(10);
    } while (during.stream().mapToInt(BackendStatus::activeConnections).sum() < 30 && System.nanoTime() < deadline);
    assertThat(during).extracting(BackendStatus::activeConnections).containsExactly(10, 10, 10);
    for (Future<String> f : replies) assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("Response from Worker");
    assertThat(fixture.broker.workers()).extracting(BackendStatus::activeConnections).containsExactly(0, 0, 0);
    // All idle again: the next three go to three different workers.
    long[] before = fixture.workers.stream().mapToLong(WorkerServer::served).toArray();
    for (int i = 0; i < 3; i++) fixture.request(AppType.SHORT, Strategy.LEAST_CONNECTIONS);
    for (int i = 0; i < 3; i++) assertThat(fixture.workers.get(i).served() - before[i]).as("worker " + (i + 1)).isEqualTo(1);
  }

  @Test
  void leastConnectionsAvoidsTheWorkerStillBusyWithALongRequest() throws Exception {
    fixture = Fixture.start(2, Duration.ofMillis(1500), Duration.ofMillis(10));
    clients = Executors.newSingleThreadExecutor();
    Future<String> longOne = clients.submit(() -> fixture.request(AppType.LONG, Strategy.LEAST_CONNECTIONS));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (fixture.broker.workers().stream().mapToInt(BackendStatus::activeConnections).sum() < 1 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    int busy = fixture.broker.workers().get(0).activeConnections() == 1 ? 0 : 1;
    long busyServedBefore = fixture.workers.get(busy).served();
    for (int i = 0; i < 5; i++) assertThat(fixture.request(AppType.SHORT, Strategy.LEAST_CONNECTIONS)).isEqualTo("Response from Worker");
    assertThat(fixture.workers.get(busy).served()).as("the busy worker got none of the short ones").isEqualTo(busyServedBefore);
    assertThat(longOne.get(10, TimeUnit.SECONDS)).isEqualTo("Response from Worker");
  }
}
