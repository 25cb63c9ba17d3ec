package dev.gpuhub.store.memory;

import static dev.gpuhub.store.TestData.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.store.NodeLiveState;
import dev.gpuhub.store.NodeLiveStateContract;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InMemoryNodeLiveStateTest extends NodeLiveStateContract {
  // starts near overflow to prove expiry compares nanoTime values safely
  private final AtomicLong nanos = new AtomicLong(Long.MAX_VALUE - Duration.ofMillis(1500).toNanos());

  @Override
  protected NodeLiveState open(Duration ttl) {
    return new InMemoryNodeLiveState(ttl, nanos::get);
  }

  @Override
  protected void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void anEntryIsLiveUntilJustBeforeItsTtl() {
    live.put(report("h1"));
    advance(TTL.minusNanos(1));
    assertThat(live.get("h1")).isPresent();
    advance(Duration.ofNanos(1));
    assertThat(live.get("h1")).isEmpty();
  }

  @Test
  void expiredEntriesArePurgedOnRead() {
    InMemoryNodeLiveState memory = (InMemoryNodeLiveState) live;
    memory.put(report("h1"));
    memory.put(report("h2"));
    advance(TTL);
    memory.put(report("h3"));
    assertThat(memory.size()).isEqualTo(3);
    assertThat(memory.get("h1")).isEmpty();
    assertThat(memory.size()).isEqualTo(2);
    assertThat(memory.all()).singleElement().extracting(r -> r.hostname()).isEqualTo("h3");
    assertThat(memory.size()).isEqualTo(1);
  }

  @Test
  void rejectsANonPositiveTtl() {
    assertThatThrownBy(() -> new InMemoryNodeLiveState(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl must be positive");
  }

  @Test
  void healthSaysMemory() {
    assertThat(live.health().kind()).isEqualTo("memory");
  }
}
