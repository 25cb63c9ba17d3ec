package dev.gpuhub.bench.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Issues {@code count} decisions at once: {@code threads} threads wait on one latch, then each
 * claims decision numbers until all are taken and times every call (nanoTime around it, so waiting
 * for a lock is included).
 */
public final class Burst {
  /** One decision; returns true when it placed. Must not throw (a throw counts as a failure). */
  @FunctionalInterface
  public interface Decision {
    boolean decide(int index) throws Exception;
  }

  /** Latencies and outcome of every decision, by decision number. */
  public record Timings(long[] nanos, boolean[] placed) {
    public int failures() {
      int f = 0;
      for (boolean p : placed) if (!p) f++;
      return f;
    }
  }

  private Burst() {}

  public static Timings run(int count, int threads, Decision decision) throws InterruptedException {
    long[] nanos = new long[count];
    boolean[] placed = new boolean[count];
    AtomicInteger next = new AtomicInteger();
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    AtomicReference<Throwable> crash = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>(threads);
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        ready.countDown();
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
          long start = System.nanoTime();
          boolean ok;
          try {
            ok = decision.decide(i);
          } catch (Exception e) {
            ok = false;
          } catch (Throwable e) {
            crash.compareAndSet(null, e);
            ok = false;
          }
          nanos[i] = System.nanoTime() - start;
          placed[i] = ok;
        }
      }, "burst-" + t);
      workers.add(w);
      w.start();
    }
    ready.await();
    go.countDown();
    for (Thread w : workers) w.join();
    if (crash.get() != null) throw new IllegalStateException("a decision crashed", crash.get());
    return new Timings(nanos, placed);
  }
}
