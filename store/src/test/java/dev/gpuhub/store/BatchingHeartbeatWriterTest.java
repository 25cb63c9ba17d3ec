package dev.gpuhub.store;

import static dev.gpuhub.store.TestData.T0;
import static dev.gpuhub.store.TestData.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.node.Heartbeat;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchingHeartbeatWriterTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final RecordingRepository repo = new RecordingRepository();
  private BatchingHeartbeatWriter writer;

  @AfterEach
  void closeWriter() {
    repo.release();
    if (writer != null) writer.close();
  }

  private static Heartbeat hb(int i) {
    return heartbeat("node-" + i, T0.plusMillis(i));
  }

  /** Submits one heartbeat and waits until the writer thread is blocked inside saveHeartbeats. */
  private void occupyTheWriterThread() throws InterruptedException {
    repo.hold();
    assertThat(writer.submit(hb(-1))).isTrue();
    assertThat(repo.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void writesWhatIsQueuedInBatchesOfAtMostMaxBatch() throws InterruptedException {
    writer = new BatchingHeartbeatWriter(repo, BatchingHeartbeatWriter.DEFAULT_CAPACITY, 2_000);
    occupyTheWriterThread();
    for (int i = 0; i < 5_000; i++) assertThat(writer.submit(hb(i))).isTrue();
    assertThat(writer.queued()).isEqualTo(5_000);
    assertThat(writer.pending()).as("the queue and the batch being written").isEqualTo(5_001);
    repo.release();
    assertThat(writer.flush(WAIT)).isTrue();
    assertThat(repo.batchSizes).containsExactly(1, 2_000, 2_000, 1_000);
    assertThat(repo.saved).hasSize(5_001).element(1).isEqualTo(hb(0)); // in submission order
    assertThat(writer.writtenHeartbeats()).isEqualTo(5_001);
    assertThat(writer.failedHeartbeats()).isZero();
  }

  @Test
  void lingerGathersHeartbeatsThatArriveSoonAfterTheFirstIntoOneBatch() throws InterruptedException {
    writer = new BatchingHeartbeatWriter(repo, 1_000, 100, Duration.ofSeconds(2));
    assertThat(writer.submit(hb(0))).isTrue();
    Thread.sleep(100);
    for (int i = 1; i < 100; i++) assertThat(writer.submit(hb(i))).isTrue(); // fills the batch: no need to wait out the linger
    assertThat(writer.flush(WAIT)).isTrue();
    assertThat(repo.batchSizes).containsExactly(100);
  }

  @Test
  void flushWaitsForEverythingSubmittedAndTimesOutWhileBlocked() throws InterruptedException {
    writer = new BatchingHeartbeatWriter(repo, 100, 10);
    occupyTheWriterThread();
    writer.submit(hb(1));
    assertThat(writer.flush(Duration.ofMillis(50))).isFalse();
    repo.release();
    assertThat(writer.flush(WAIT)).isTrue();
    assertThat(repo.saved).containsExactly(hb(-1), hb(1));
    assertThat(writer.flush(Duration.ZERO)).isTrue(); // nothing pending
  }

  @Test
  void submitReturnsFalseWithoutBlockingWhenTheQueueIsFull() throws InterruptedException {
    writer = new BatchingHeartbeatWriter(repo, 3, 10);
    occupyTheWriterThread();
    for (int i = 0; i < 3; i++) assertThat(writer.submit(hb(i))).isTrue();
    long start = System.nanoTime();
    assertThat(writer.submit(hb(3))).isFalse();
    assertThat(System.nanoTime() - start).isLessThan(Duration.ofMillis(100).toNanos());
    assertThat(writer.refusedHeartbeats()).as("counted").isEqualTo(1);
    repo.release();
    assertThat(writer.flush(WAIT)).isTrue();
    assertThat(writer.writtenHeartbeats()).isEqualTo(4);
    assertThat(writer.submit(hb(4))).isTrue(); // room again
  }

  @Test
  void anOutageOfTheDatabaseCostsNoHeartbeatWhileTheQueueHasRoom() throws InterruptedException {
    writer = new BatchingHeartbeatWriter(repo, 100, 10);
    long outageEnds = System.nanoTime() + Duration.ofMillis(1500).toNanos();
    repo.failWhen(batch -> System.nanoTime() < outageEnds);
    for (int i = 0; i < 20; i++) {
      assertThat(writer.submit(hb(i))).isTrue();
      Thread.sleep(50);
    }
    assertThat(writer.flush(WAIT)).isTrue();
    assertThat(repo.saved).hasSize(20).containsExactlyInAnyOrderElementsOf(
        java.util.stream.IntStream.range(0, 20).mapToObj(BatchingHeartbeatWriterTest::hb).toList());
    assertThat(writer.failedHeartbeats()).isZero();
    assertThat(writer.refusedHeartbeats()).isZero();
    assertThat(repo.calls).as("the failing batch was retried").isGreaterThan(3);
  }

  @Test
  void aBatchStillFailingAfterTheGiveUpTimeIsDroppedAndCountedAndTheThreadGoesOn() throws InterruptedException {
    writer = new BatchingHeartbeatWriter(repo, 100, 10, Duration.ZERO, Duration.ofMillis(300));
    repo.failWhen(batch -> batch.contains(hb(13)));
    occupyTheWriterThread();
    writer.submit(hb(12));
    writer.submit(hb(13));
    repo.release();
    assertThat(writer.flush(WAIT)).isTrue();
    assertThat(writer.failedHeartbeats()).isEqualTo(2);
    assertThat(repo.calls).as("first batch, then the failing one retried until it gave up").isGreaterThanOrEqualTo(4);

    repo.failWhen(batch -> false);
    writer.submit(hb(14));
    assertThat(writer.flush(WAIT)).isTrue();
    assertThat(repo.saved).containsExactly(hb(-1), hb(14));
    assertThat(writer.writtenHeartbeats()).isEqualTo(2);
  }

  @Test
  void aDriversAssertionErrorDoesNotEndTheWriter() throws InterruptedException {
    writer = new BatchingHeartbeatWriter(repo, 100, 10, Duration.ZERO, Duration.ofMillis(300));
    repo.assertionFailure = true;
    repo.failWhen(batch -> batch.contains(hb(13)));
    writer.submit(hb(13));
    assertThat(writer.flush(WAIT)).isTrue();
    assertThat(writer.failedHeartbeats()).isEqualTo(1);
    repo.failWhen(batch -> false);
    writer.submit(hb(14));
    assertThat(writer.flush(WAIT)).as("the writer thread is still there").isTrue();
    assertThat(repo.saved).containsExactly(hb(14));
  }

  @Test
  void aBatchThatFailsOnceIsRetriedAndWritten() throws InterruptedException {
    writer = new BatchingHeartbeatWriter(repo, 100, 10);
    repo.failWhen(batch -> repo.calls == 1);
    writer.submit(hb(1));
    assertThat(writer.flush(WAIT)).isTrue();
    assertThat(repo.calls).isEqualTo(2);
    assertThat(repo.saved).containsExactly(hb(1));
    assertThat(writer.failedHeartbeats()).isZero();
  }

  @Test
  void closeWritesWhatIsQueuedThenRefusesMore() throws InterruptedException {
    writer = new BatchingHeartbeatWriter(repo, 100, 10);
    occupyTheWriterThread();
    for (int i = 0; i < 25; i++) writer.submit(hb(i));
    repo.release();
    writer.close();
    assertThat(repo.saved).hasSize(26);
    assertThat(repo.batchSizes).containsExactly(1, 10, 10, 5);
    assertThat(writer.submit(hb(99))).isFalse();
    writer.close(); // idempotent
  }

  @Test
  void rejectsNonPositiveLimits() {
    assertThatThrownBy(() -> new BatchingHeartbeatWriter(repo, 0, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("capacity must be >= 1, was 0");
    assertThatThrownBy(() -> new BatchingHeartbeatWriter(repo, 10, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxBatch must be >= 1, was 0");
    assertThatThrownBy(() -> new BatchingHeartbeatWriter(repo, 10, 10, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("giveUpAfter");
  }
}
