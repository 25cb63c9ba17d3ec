package dev.gpuhub.server.workload;

import dev.gpuhub.store.StoreException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A durable write tried again through a store outage (a PostgreSQL restart), so that a server start
 * caught by one waits for the database instead of failing: the first pause is a quarter second,
 * each next one twice as long up to two seconds, until the limit. Only {@link StoreException}
 * (the store could not be asked) is retried; any other failure passes through at once.
 */
public final class StoreRetry {
  /** How long a start waits for the database: longer than a restart for an upgrade takes. */
  public static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final long FIRST_PAUSE_MS = 250;
  private static final long LONGEST_PAUSE_MS = 2_000;

  private StoreRetry() {}

  /**
   * {@code write}'s result, tried again after each {@link StoreException} (told to {@code retrying})
   * until it succeeds or {@code limit} has passed.
   *
   * @throws StoreException the last one, when the store did not come back within {@code limit}
   * @throws LaunchException when interrupted while waiting
   */
  public static <T> T within(Duration limit, Supplier<T> write, Consumer<StoreException> retrying) {
    long deadline = System.nanoTime() + limit.toNanos();
    long pause = FIRST_PAUSE_MS;
    while (true) {
      try {
        return write.get();
      } catch (StoreException e) {
        if (System.nanoTime() + pause * 1_000_000 > deadline) throw e;
        retrying.accept(e);
        try {
          Thread.sleep(pause);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new LaunchException("interrupted while waiting for the database");
        }
        pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
      }
    }
  }
}
