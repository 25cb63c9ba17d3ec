package dev.gpuhub.server.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.store.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StoreRetryTest {
  @Test
  void aWriteIsTriedAgainUntilTheStoreAnswers() {
    AtomicInteger calls = new AtomicInteger();
    List<String> told = new ArrayList<>();
    String result = StoreRetry.within(Duration.ofSeconds(10), () -> {
      if (calls.incrementAndGet() < 3) throw new StoreException("cannot update reservation r1: Connection refused", null);
      return "bound";
    }, e -> told.add(e.getMessage()));
    assertThat(result).isEqualTo("bound");
    assertThat(calls).hasValue(3);
    assertThat(told).hasSize(2).allMatch(m -> m.contains("Connection refused"));
  }

  @Test
  void theLastStoreFailureComesOutWhenTheStoreStaysAwayPastTheLimit() {
    AtomicInteger calls = new AtomicInteger();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> StoreRetry.within(Duration.ofMillis(900), () -> {
      throw new StoreException("down " + calls.incrementAndGet(), null);
    }, e -> { })).isInstanceOf(StoreException.class).hasMessageStartingWith("down ");
    assertThat((System.nanoTime() - t0) / 1e9).isLessThan(2.0);
    assertThat(calls.get()).isBetween(2, 4); // 250 ms, then 500 ms pauses fit in 0.9 s
  }

  @Test
  void otherFailuresAreNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> StoreRetry.within(Duration.ofSeconds(10), () -> {
      calls.incrementAndGet();
      throw new LaunchException("the node refused");
    }, e -> { })).isInstanceOf(LaunchException.class);
    assertThat(calls).hasValue(1);
  }
}
