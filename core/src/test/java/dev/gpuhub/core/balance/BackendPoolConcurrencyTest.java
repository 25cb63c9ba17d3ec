package dev.gpuhub.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Many threads acquiring and ending leases at once: no count is lost, and least connections stays balanced. */
class BackendPoolConcurrencyTest {

  @Test
  void countsReturnToZeroAndLeastConnectionsNeverLetsTheSpreadExceedOne() throws Exception {
    BackendPool pool = new BackendPool(List.of("w1", "w2", "w3", "w4"));
    int threads = 16;
    int rounds = 2_000;
    AtomicInteger maxSpread = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService exec = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(exec.submit(() -> {
          start.await();
          ThreadLocalRandom rnd = ThreadLocalRandom.current();
          for (int i = 0; i < rounds; i++) {
            Strategy s = rnd.nextBoolean() ? Strategy.ROUND_ROBIN : Strategy.LEAST_CONNECTIONS;
            try (Lease lease = pool.acquire(s).orElseThrow()) {
              if (s == Strategy.LEAST_CONNECTIONS && rnd.nextInt(8) == 0) Thread.onSpinWait();
              if (rnd.nextInt(50) == 0) lease.failed();
              else if (rnd.nextInt(10) == 0) lease.succeeded();
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) f.get(60, TimeUnit.SECONDS);
    } finally {
      exec.shutdownNow();
    }
    assertThat(pool.snapshot()).allSatisfy(s -> assertThat(s.activeConnections()).isZero());

    // Only least connections, all up: holding leases, the spread between backends is at most one.
    BackendPool lc = new BackendPool(List.of("a", "b", "c"));
    List<Lease> held = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      held.add(lc.acquire(Strategy.LEAST_CONNECTIONS).orElseThrow());
      int max = lc.snapshot().stream().mapToInt(BackendStatus::activeConnections).max().orElseThrow();
      int min = lc.snapshot().stream().mapToInt(BackendStatus::activeConnections).min().orElseThrow();
      maxSpread.accumulateAndGet(max - min, Math::max);
    }
    assertThat(maxSpread.get()).isLessThanOrEqualTo(1);
    held.forEach(Lease::release);
    assertThat(lc.snapshot()).allSatisfy(s -> assertThat(s.activeConnections()).isZero());
  }
}
