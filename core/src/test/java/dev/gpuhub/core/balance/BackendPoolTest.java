package dev.gpuhub.core.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BackendPoolTest {
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final BackoffPolicy backoff = new BackoffPolicy(Duration.ofSeconds(1), Duration.ofSeconds(8));

  private BackendPool pool(String... ids) {
    return new BackendPool(List.of(ids), backoff, clock::get);
  }

  private static String pick(BackendPool pool, Strategy s) {
    Lease lease = pool.acquire(s).orElseThrow();
    lease.release();
    return lease.backendId();
  }

  private void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  @Test
  void roundRobinStartsAtTheFirstAndGoesInTurnLikeTheSeed() {
    BackendPool p = pool("w1", "w2", "w3");
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 7; i++) picks.add(pick(p, Strategy.ROUND_ROBIN));
    assertThat(picks).containsExactly("w1", "w2", "w3", "w1", "w2", "w3", "w1");
  }

  @Test
  void roundRobinIgnoresLoad() {
    BackendPool p = pool("w1", "w2");
    Lease busy = p.acquire(Strategy.ROUND_ROBIN).orElseThrow();
    assertThat(busy.backendId()).isEqualTo("w1");
    assertThat(pick(p, Strategy.ROUND_ROBIN)).isEqualTo("w2");
    assertThat(pick(p, Strategy.ROUND_ROBIN)).isEqualTo("w1");
    busy.release();
  }

  @Test
  void leastConnectionsCountsConnectionsOpenNowAndForgetsEndedOnes() {
    BackendPool p = pool("w1", "w2", "w3");
    Lease a = p.acquire(Strategy.LEAST_CONNECTIONS).orElseThrow();
    Lease b = p.acquire(Strategy.LEAST_CONNECTIONS).orElseThrow();
    Lease c = p.acquire(Strategy.LEAST_CONNECTIONS).orElseThrow();
    assertThat(List.of(a.backendId(), b.backendId(), c.backendId())).containsExactly("w1", "w2", "w3");
    Lease d = p.acquire(Strategy.LEAST_CONNECTIONS).orElseThrow();
    assertThat(d.backendId()).isEqualTo("w1");
    // w2 finishes: it is now the only one with one connection less than the others.
    b.release();
    assertThat(p.status("w2").orElseThrow().activeConnections()).isZero();
    Lease e = p.acquire(Strategy.LEAST_CONNECTIONS).orElseThrow();
    assertThat(e.backendId()).isEqualTo("w2");
    // The seed only ever incremented its counters; ours goes back down on completion.
    for (Lease l : List.of(a, c, d, e)) l.release();
    assertThat(p.snapshot()).allSatisfy(s -> assertThat(s.activeConnections()).isZero());
    // Completed work does not count against a backend: after all that, w1 (most requests served) is still chosen in turn.
    assertThat(List.of(pick(p, Strategy.LEAST_CONNECTIONS), pick(p, Strategy.LEAST_CONNECTIONS), pick(p, Strategy.LEAST_CONNECTIONS)))
        .containsExactlyInAnyOrder("w1", "w2", "w3");
  }

  @Test
  void leastConnectionsSeesConnectionsOpenedByRoundRobin() {
    BackendPool p = pool("w1", "w2");
    Lease rr = p.acquire(Strategy.ROUND_ROBIN).orElseThrow();
    assertThat(rr.backendId()).isEqualTo("w1");
    assertThat(pick(p, Strategy.LEAST_CONNECTIONS)).isEqualTo("w2");
    assertThat(pick(p, Strategy.LEAST_CONNECTIONS)).isEqualTo("w2");
    rr.release();
  }

  @Test
  void leaseEndsOnceWhateverIsCalled() {
    BackendPool p = pool("w1");
    Lease l = p.acquire(Strategy.LEAST_CONNECTIONS).orElseThrow();
    assertThat(p.status("w1").orElseThrow().activeConnections()).isEqualTo(1);
    l.release();
    l.release();
    l.failed();
    l.close();
    assertThat(l.ended()).isTrue();
    BackendStatus s = p.status("w1").orElseThrow();
    assertThat(s.activeConnections()).isZero();
    assertThat(s.up()).as("failed() after release() is ignored").isTrue();
  }

  @Test
  void failedBackendIsSkippedUntilItsBackoffPassesThenProbedOnce() {
    BackendPool p = pool("w1", "w2", "w3");
    Lease l = p.acquire(Strategy.ROUND_ROBIN).orElseThrow();
    assertThat(l.backendId()).isEqualTo("w1");
    l.failed();
    BackendStatus down = p.status("w1").orElseThrow();
    assertThat(down.up()).isFalse();
    assertThat(down.consecutiveFailures()).isEqualTo(1);
    assertThat(down.retryInNanos()).isEqualTo(1_000_000_000L);

    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 4; i++) picks.add(pick(p, Strategy.ROUND_ROBIN));
    for (int i = 0; i < 4; i++) picks.add(pick(p, Strategy.LEAST_CONNECTIONS));
    assertThat(picks).doesNotContain("w1");

    advance(Duration.ofSeconds(1));
    Set<String> others = Set.of("w2", "w3");
    Lease probe = p.acquire(Strategy.LEAST_CONNECTIONS, others).orElseThrow();
    assertThat(probe.backendId()).isEqualTo("w1");
    assertThat(probe.probe()).isTrue();
    // While the probe is out, nobody else is sent there.
    for (int i = 0; i < 4; i++) assertThat(pick(p, Strategy.ROUND_ROBIN)).isNotEqualTo("w1");
    probe.failed();
    assertThat(p.status("w1").orElseThrow().consecutiveFailures()).isEqualTo(2);
    assertThat(p.status("w1").orElseThrow().retryInNanos()).as("doubled").isEqualTo(2_000_000_000L);

    advance(Duration.ofSeconds(2));
    Lease second = p.acquire(Strategy.LEAST_CONNECTIONS, others).orElseThrow();
    assertThat(second.backendId()).isEqualTo("w1");
    second.succeeded();
    BackendStatus back = p.status("w1").orElseThrow();
    assertThat(back.up()).isTrue();
    assertThat(back.consecutiveFailures()).isZero();
    assertThat(back.retryInNanos()).isZero();
  }

  @Test
  void roundRobinGivesADownBackendsTurnsToTheNext() {
    BackendPool p = pool("w1", "w2", "w3");
    p.markDown("w2");
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 4; i++) picks.add(pick(p, Strategy.ROUND_ROBIN));
    assertThat(picks).containsExactly("w1", "w3", "w1", "w3");
  }

  @Test
  void excludeLetsARetryTryEachBackendOnceAndEmptyMeansAllTried() {
    BackendPool p = pool("w1", "w2", "w3");
    Set<String> tried = new java.util.HashSet<>();
    for (int i = 0; i < 3; i++) {
      Lease l = p.acquire(Strategy.ROUND_ROBIN, tried).orElseThrow();
      assertThat(tried.add(l.backendId())).isTrue();
      l.failed();
    }
    assertThat(p.acquire(Strategy.ROUND_ROBIN, tried)).isEmpty();
    assertThat(p.snapshot()).allSatisfy(s -> assertThat(s.up()).isFalse());
  }

  @Test
  void whenEveryBackendIsDownTheyAreStillTriedAsALastResort() {
    BackendPool p = pool("w1", "w2");
    p.markDown("w1");
    p.markDown("w2");
    Lease l = p.acquire(Strategy.LEAST_CONNECTIONS).orElseThrow();
    assertThat(l.probe()).isTrue();
    l.succeeded();
    assertThat(p.status(l.backendId()).orElseThrow().up()).isTrue();
    // A healthy backend is preferred to one backing off.
    String healthy = l.backendId();
    for (int i = 0; i < 3; i++) assertThat(pick(p, Strategy.ROUND_ROBIN)).isEqualTo(healthy);
  }

  @Test
  void setBackendsKeepsStateOfThoseThatStay() {
    BackendPool p = pool("a", "b");
    Lease onA = p.acquire(Strategy.LEAST_CONNECTIONS).orElseThrow();
    p.markDown("b");
    p.setBackends(List.of("c", "a", "b"));
    assertThat(p.ids()).containsExactly("c", "a", "b");
    assertThat(p.status("a").orElseThrow().activeConnections()).isEqualTo(1);
    assertThat(p.status("b").orElseThrow().up()).isFalse();
    assertThat(pick(p, Strategy.LEAST_CONNECTIONS)).isEqualTo("c");
    p.setBackends(List.of("c"));
    onA.release(); // a lease on a removed backend ends harmlessly
    assertThat(p.snapshot()).extracting(BackendStatus::id).containsExactly("c");
    p.setBackends(List.of());
    assertThat(p.acquire(Strategy.ROUND_ROBIN)).isEmpty();
  }

  @Test
  void rejectsDuplicateIds() {
    assertThatThrownBy(() -> pool("a", "a")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate");
  }
}
