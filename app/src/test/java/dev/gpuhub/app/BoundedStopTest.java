package dev.gpuhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Stopping is bounded: a close that hangs is abandoned after the grace, one that ends is waited for. */
class BoundedStopTest {
  @Test
  void aHangingCloseIsAbandonedAfterTheGrace() {
    CountDownLatch never = new CountDownLatch(1);
    long t0 = System.nanoTime();
    assertThat(ServerCommand.closeWithin(() -> never.await(), Duration.ofMillis(300))).isFalse();
    assertThat((System.nanoTime() - t0) / 1e6).isBetween(250.0, 5000.0);
    assertThat(ServerCommand.closeWithin(() -> Thread.sleep(50), Duration.ofSeconds(5))).isTrue();
    assertThat(ServerCommand.closeWithin(() -> {
      throw new IllegalStateException("broken");
    }, Duration.ofSeconds(5))).as("an error while closing still ends the close").isTrue();
  }
}
