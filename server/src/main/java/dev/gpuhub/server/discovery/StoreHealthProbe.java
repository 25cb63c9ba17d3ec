package dev.gpuhub.server.discovery;

import dev.gpuhub.store.StoreHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Asks a store whether it answers, in the background, every {@link #EVERY}, so that
 * {@code /health-check} answers at once from the last answer instead of waiting on a store that is
 * down (a pool waiting for a connection can take seconds). A store whose check has not come back
 * for {@link #OVERDUE} counts as down ("no answer for N s"), even before the check gives up.
 */
public final class StoreHealthProbe implements AutoCloseable {
  /**
   * How often the store is asked (a {@code SELECT 1} or a {@code PING}): often enough that a store
   * back after an outage shows healthy well within a heartbeat interval.
   */
  public static final Duration EVERY = Duration.ofMillis(250);
  /** How long a check may stay out before the store counts as down. */
  public static final Duration OVERDUE = Duration.ofSeconds(2);

  /** The last answer and when it came; {@code asked} is when the check now out began (null: none out). */
  private record State(StoreHealth health, Instant answeredAt, Instant asked) {}

  private final Supplier<StoreHealth> check;
  private final String kind;
  private final Clock clock;
  private final AtomicReference<State> state;
  private final ScheduledExecutorService ticker;
  private final ExecutorService asker;

  /** Probes {@code check} (a store's {@code health()}, of adapter {@code kind}) from now on. */
  public StoreHealthProbe(String kind, Supplier<StoreHealth> check, Clock clock) {
    this.kind = kind;
    this.check = check;
    this.clock = clock;
    this.state = new AtomicReference<>(new State(askNow(), clock.instant(), null)); // the first answer before any request
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "health-tick-" + kind));
    this.asker = Executors.newSingleThreadExecutor(r -> daemon(r, "health-ask-" + kind));
    ticker.scheduleWithFixedDelay(this::ask, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private StoreHealth askNow() {
    try {
      return check.get();
    } catch (RuntimeException e) {
      return new StoreHealth(kind, false, e.toString());
    }
  }

  /** Starts a check unless one is still out. */
  private void ask() {
    State s = state.get();
    if (s.asked() != null) return; // the last check has not come back: it is overdue, not repeated
    Instant asked = clock.instant();
    if (!state.compareAndSet(s, new State(s.health(), s.answeredAt(), asked))) return;
    asker.execute(() -> {
      StoreHealth answered = askNow();
      state.updateAndGet(old -> new State(answered, clock.instant(), null));
    });
  }

  /** The store's health now, from the last answer; never blocks. */
  public StoreHealth current() {
    State s = state.get();
    Instant now = clock.instant();
    if (s.asked() != null && Duration.between(s.asked(), now).compareTo(OVERDUE) > 0) {
      long seconds = Duration.between(s.asked(), now).toSeconds();
      return new StoreHealth(s.health().kind(), false, "no answer for " + seconds + " s (last: " + s.health().detail() + ")");
    }
    return s.health();
  }

  /** When the store last answered a check (whatever it said). */
  public Instant answeredAt() {
    return state.get().answeredAt();
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    asker.shutdownNow();
  }
}
