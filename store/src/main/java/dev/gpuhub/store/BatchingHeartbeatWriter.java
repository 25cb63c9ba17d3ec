package dev.gpuhub.store;

import dev.gpuhub.core.node.Heartbeat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes heartbeats off the request path: {@link #submit} queues without blocking, and one daemon
 * thread writes whatever is queued (up to {@code maxBatch} at a time, no artificial wait) with
 * {@link ClusterRepository#saveHeartbeats}. A failed batch is kept and retried, backing off from
 * 100 ms to 5 s, while new heartbeats wait behind it in the queue: an outage of the database costs
 * no heartbeat while the queue has room. What is lost is counted: heartbeats refused because the
 * queue was full ({@link #refusedHeartbeats()}), and a batch still failing after
 * {@code giveUpAfter} (a batch the database will never take must not stop the writer for good) or
 * when the writer closes ({@link #failedHeartbeats()}). The thread survives every failure.
 * {@link #close()} writes what is queued, then stops the thread.
 */
public final class BatchingHeartbeatWriter implements AutoCloseable {
  /** Default queue capacity: heartbeats waiting to be written before submit() refuses more. */
  public static final int DEFAULT_CAPACITY = 100_000;
  /** Default most heartbeats written in one transaction. */
  public static final int DEFAULT_MAX_BATCH = 10_000;
  /**
   * Default time a batch may wait for more heartbeats once the first one is queued: under load,
   * bigger batches mean fewer commits and one node upsert per hostname instead of one per heartbeat.
   */
  public static final Duration DEFAULT_LINGER = Duration.ofMillis(200);
  /** How long a failing batch is retried by default before it is dropped. */
  public static final Duration DEFAULT_GIVE_UP_AFTER = Duration.ofMinutes(10);
  static final Duration FIRST_RETRY = Duration.ofMillis(100);
  static final Duration LONGEST_RETRY = Duration.ofSeconds(5);
  /** How long {@link #close()} waits for the queue to drain. */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(BatchingHeartbeatWriter.class);

  private final ClusterRepository repository;
  private final BlockingQueue<Heartbeat> queue;
  private final int maxBatch;
  private final long lingerNanos;
  private final Thread thread;
  private final Object progress = new Object(); // notified whenever a batch is done
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong processed = new AtomicLong(); // written + failed
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final long giveUpNanos;
  private volatile boolean closed;

  /** A writer with {@link #DEFAULT_CAPACITY}, {@link #DEFAULT_MAX_BATCH} and no linger; starts its thread. */
  public BatchingHeartbeatWriter(ClusterRepository repository) {
    this(repository, DEFAULT_CAPACITY, DEFAULT_MAX_BATCH, Duration.ZERO);
  }

  /** A writer with its own limits (both >= 1) and no linger; starts its thread. */
  public BatchingHeartbeatWriter(ClusterRepository repository, int capacity, int maxBatch) {
    this(repository, capacity, maxBatch, Duration.ZERO);
  }

  /**
   * A writer with its own limits (both >= 1) that lets a batch wait up to {@code linger} for more
   * heartbeats (zero: write whatever is queued at once); starts its thread.
   */
  public BatchingHeartbeatWriter(ClusterRepository repository, int capacity, int maxBatch, Duration linger) {
    this(repository, capacity, maxBatch, linger, DEFAULT_GIVE_UP_AFTER);
  }

  /** As above, with how long a failing batch is retried before it is dropped ({@code giveUpAfter} &gt; 0). */
  public BatchingHeartbeatWriter(ClusterRepository repository, int capacity, int maxBatch, Duration linger,
                                 Duration giveUpAfter) {
    if (giveUpAfter.isNegative() || giveUpAfter.isZero()) throw new IllegalArgumentException("giveUpAfter must be > 0, was " + giveUpAfter);
    this.giveUpNanos = giveUpAfter.toNanos();
    if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
    if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be >= 1, was " + maxBatch);
    if (linger.isNegative()) throw new IllegalArgumentException("linger must be >= 0, was " + linger);
    this.lingerNanos = linger.toNanos();
    this.repository = repository;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.maxBatch = maxBatch;
    this.thread = new Thread(this::run, "gpuhub-heartbeat-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a heartbeat; never blocks. False when the queue is full or the writer is closed. */
  public boolean submit(Heartbeat heartbeat) {
    if (closed) return false;
    if (!queue.offer(heartbeat)) {
      refused.incrementAndGet();
      return false;
    }
    submitted.incrementAndGet();
    return true;
  }

  /**
   * Waits until every heartbeat submitted before this call is processed (written, or dropped after
   * failing twice). True when that happened within {@code timeout}.
   */
  public boolean flush(Duration timeout) throws InterruptedException {
    long target = submitted.get();
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progress) {
      while (processed.get() < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return false;
        progress.wait(Math.max(1, left / 1_000_000));
      }
    }
    return true;
  }

  /** Heartbeats waiting in the queue now. */
  public int queued() {
    return queue.size();
  }

  /** Heartbeats accepted and not yet written or dropped: the queue plus the batch being written. */
  public long pending() {
    return submitted.get() - processed.get();
  }

  /** Heartbeats written so far. */
  public long writtenHeartbeats() {
    return written.get();
  }

  /** Heartbeats dropped because their batch kept failing past the give-up time, or at close. */
  public long failedHeartbeats() {
    return failed.get();
  }

  /** Heartbeats refused because the queue was full (the database was down too long for the buffer). */
  public long refusedHeartbeats() {
    return refused.get();
  }

  /** Refuses new heartbeats, writes what is queued (waits at most {@link #CLOSE_TIMEOUT}), stops. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    try {
      flush(CLOSE_TIMEOUT);
      thread.interrupt();
      thread.join(CLOSE_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      thread.interrupt();
      Thread.currentThread().interrupt();
    }
    if (!queue.isEmpty()) {
      log.warn("heartbeat writer closed with {} heartbeats not written", queue.size());
    }
  }

  private void run() {
    List<Heartbeat> batch = new ArrayList<>(maxBatch);
    while (true) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        if (closed) return;
        continue; // interrupted by someone else: keep serving
      }
      queue.drainTo(batch, maxBatch - 1);
      linger(batch);
      write(batch);
      processed.addAndGet(batch.size());
      batch.clear();
      synchronized (progress) {
        progress.notifyAll();
      }
    }
  }

  // Waits up to the linger for the batch to fill; returns early when it is full or on close.
  private void linger(List<Heartbeat> batch) {
    long deadline = System.nanoTime() + lingerNanos;
    while (lingerNanos > 0 && batch.size() < maxBatch && !closed) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return;
      try {
        Heartbeat next = queue.poll(left, TimeUnit.NANOSECONDS);
        if (next == null) return;
        batch.add(next);
        queue.drainTo(batch, maxBatch - batch.size());
      } catch (InterruptedException e) {
        return; // closing: write what we have
      }
    }
  }

  private void write(List<Heartbeat> batch) {
    long start = System.nanoTime();
    long backoff = FIRST_RETRY.toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        repository.saveHeartbeats(batch);
        written.addAndGet(batch.size());
        if (attempt > 1) log.info("wrote {} heartbeats at attempt {}, {} ms after the first", batch.size(), attempt,
            (System.nanoTime() - start) / 1_000_000);
        return;
      } catch (Exception | AssertionError e) { // a driver's own assertion (tests run with -ea) must not end the writer
        boolean givingUp = closed || System.nanoTime() - start > giveUpNanos;
        if (givingUp) {
          failed.addAndGet(batch.size());
          log.error("writing {} heartbeats failed {} times over {} s{}, dropping them ({} dropped so far)", batch.size(),
              attempt, (System.nanoTime() - start) / 1_000_000_000, closed ? " and the writer is closing" : "",
              failed.get(), e);
          return;
        }
        if (attempt == 1 || Long.bitCount(attempt) == 1) { // 1st, 2nd, 4th, 8th... failure: the log stays short
          log.warn("writing {} heartbeats failed (attempt {}), keeping them and retrying in {} ms: {}", batch.size(),
              attempt, backoff / 1_000_000, e.toString());
        }
        try {
          TimeUnit.NANOSECONDS.sleep(backoff);
        } catch (InterruptedException interrupted) {
          if (!closed) Thread.currentThread().interrupt();
        }
        Thread.interrupted(); // a close interrupts the sleep; the next failure gives up
        backoff = Math.min(backoff * 2, LONGEST_RETRY.toNanos());
      }
    }
  }
}
