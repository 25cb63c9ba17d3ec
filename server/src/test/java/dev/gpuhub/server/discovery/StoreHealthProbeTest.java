package dev.gpuhub.server.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.store.StoreHealth;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The probe answers at once from the last check; a check that hangs makes the store count as down. */
class StoreHealthProbeTest {
  @Test
  void aStoreThatStopsAnsweringIsReportedDownWithoutWaitingForIt() throws Exception {
    AtomicBoolean hangs = new AtomicBoolean();
    CountDownLatch released = new CountDownLatch(1);
    try (StoreHealthProbe probe = new StoreHealthProbe("postgres", () -> {
      if (hangs.get()) {
        try {
          released.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return new StoreHealth("postgres", true, "db:5432");
    }, Clock.systemUTC())) {
      assertThat(probe.current().ok()).as("answered before the first request").isTrue();
      hangs.set(true);
      long deadline = System.nanoTime() + 10_000_000_000L;
      StoreHealth seen = probe.current();
      while (seen.ok() && System.nanoTime() < deadline) {
        long t0 = System.nanoTime();
        seen = probe.current();
        assertThat((System.nanoTime() - t0) / 1e6).as("ms for one answer").isLessThan(50);
        Thread.sleep(100);
      }
      assertThat(seen.ok()).isFalse();
      assertThat(seen.detail()).startsWith("no answer for ").contains("db:5432");
      hangs.set(false);
      released.countDown();
      deadline = System.nanoTime() + 10_000_000_000L;
      while (!probe.current().ok() && System.nanoTime() < deadline) Thread.sleep(100);
      assertThat(probe.current().ok()).as("back once it answers again").isTrue();
    }
  }
}
