package dev.gpuhub.store;

import static dev.gpuhub.store.TestData.GPU;
import static dev.gpuhub.store.TestData.report;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.core.node.NodeReport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link NodeLiveState} must do; subclasses bind it to one adapter with a TTL of
 * {@link #TTL} and a way to let time pass.
 */
public abstract class NodeLiveStateContract {
  /** TTL every adapter under test is opened with (Redis counts whole seconds). */
  protected static final Duration TTL = Duration.ofSeconds(1);

  protected NodeLiveState live;

  /** A fresh, empty live state with {@link #TTL}. */
  protected abstract NodeLiveState open(Duration ttl);

  /** Lets {@code d} pass for the adapter (a fake clock, or sleeping). */
  protected abstract void advance(Duration d) throws InterruptedException;

  @BeforeEach
  void openLive() {
    live = open(TTL);
  }

  @AfterEach
  void closeLive() {
    live.close();
  }

  @Test
  void putThenGetReturnsTheSameReport() {
    NodeReport gpuNode = report("h1", "10.0.0.7", null, List.of(GPU));
    live.put(gpuNode);
    assertThat(live.get("h1")).contains(gpuNode);
  }

  @Test
  void unknownHostnameIsEmpty() {
    assertThat(live.get("never-reported")).isEmpty();
    assertThat(live.all()).isEmpty();
  }

  @Test
  void allReturnsEveryLiveReport() {
    live.put(report("h1"));
    live.put(report("h2"));
    live.put(report("h3"));
    assertThat(live.all()).extracting(NodeReport::hostname).containsExactlyInAnyOrder("h1", "h2", "h3");
  }

  @Test
  void newerPutReplacesTheOlderReport() {
    live.put(report("h1", "10.0.0.1", 10.0, List.of()));
    live.put(report("h1", "10.0.0.2", 90.0, List.of()));
    assertThat(live.get("h1")).map(NodeReport::ip).contains("10.0.0.2");
    assertThat(live.all()).singleElement().extracting(NodeReport::cpuUsagePercent).isEqualTo(90.0);
  }

  @Test
  void reportsExpireAfterTheTtl() throws InterruptedException {
    live.put(report("h1"));
    assertThat(live.get("h1")).isPresent();
    assertThat(live.all()).hasSize(1);
    advance(TTL.multipliedBy(3).dividedBy(2));
    assertThat(live.get("h1")).isEmpty();
    assertThat(live.all()).isEmpty();
  }

  @Test
  void aNewPutRestartsTheTtl() throws InterruptedException {
    live.put(report("h1"));
    advance(TTL.multipliedBy(6).dividedBy(10));
    live.put(report("h1"));
    advance(TTL.multipliedBy(6).dividedBy(10)); // 1.2 TTL after the first put, 0.6 after the second
    assertThat(live.get("h1")).isPresent();
    assertThat(live.all()).hasSize(1);
  }

  @Test
  void reportsTtlAndHealth() {
    assertThat(live.ttl()).isEqualTo(TTL);
    StoreHealth health = live.health();
    assertThat(health.ok()).as(health.toString()).isTrue();
  }
}
