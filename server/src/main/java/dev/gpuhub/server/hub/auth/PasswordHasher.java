package dev.gpuhub.server.hub.auth;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Slow salted password hashes: Argon2id with OWASP's memory (19 MiB) and 5 passes instead of its
 * minimum of 2, so that one hash takes over 50 ms (60-120 ms measured on the development machine;
 * 2 passes took only 35 ms there once the JIT had warmed up). A hash is a PHC string naming its
 * algorithm and parameters ({@code $argon2id$v=19$m=19456,t=5,p=1$<salt>$<hash>}), so hashes made
 * with other parameters still verify after the defaults change.
 *
 * <p>Each hash holds {@link #MEMORY_KIB} of heap while it runs, so at most
 * {@link #concurrencyFor} of them run at once: a quarter of the heap's worth, and no more than two
 * per core (more would only queue for the CPU). Further callers wait up to {@link #BUSY_WAIT} for
 * a turn and then get {@link TooManyAttemptsException}, so a flood of logins slows logins down
 * instead of exhausting the heap. Thread-safe.
 */
public final class PasswordHasher {
  /** Memory per hash in KiB (OWASP minimum for Argon2id). */
  public static final int MEMORY_KIB = 19_456;
  /** Passes over the memory. */
  public static final int ITERATIONS = 5;
  /** Lanes. */
  public static final int PARALLELISM = 1;
  /** Length of the derived hash in bytes. */
  public static final int HASH_BYTES = 32;
  /** Length of the random salt in bytes. */
  public static final int SALT_BYTES = 16;
  /** Prefix of the hashes this class makes and verifies. */
  public static final String PREFIX = "$argon2id$";

  /** How long a hash waits for a turn before it is refused. */
  public static final Duration BUSY_WAIT = Duration.ofSeconds(60);

  private final Semaphore turns;
  private final java.util.concurrent.atomic.AtomicLong checks = new java.util.concurrent.atomic.AtomicLong();
  private final int concurrency;
  private final Argon2Function function =
      Argon2Function.getInstance(MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES, Argon2.ID);
  // verified against when the user does not exist, so that costs the same time as a wrong password
  private final String decoy;

  /** A hasher bounded for this JVM's maximum heap and processors. */
  public PasswordHasher() {
    this(concurrencyFor(Runtime.getRuntime().maxMemory(), Runtime.getRuntime().availableProcessors()));
  }

  /** A hasher running at most {@code concurrency} hashes at once (at least 1). */
  public PasswordHasher(int concurrency) {
    this.concurrency = Math.max(1, concurrency);
    this.turns = new Semaphore(this.concurrency, true);
    byte[] random = new byte[SALT_BYTES];
    new SecureRandom().nextBytes(random);
    this.decoy = hash(HexFormat.of().formatHex(random));
  }

  /**
   * How many hashes may run at once with this maximum heap and these processors: a quarter of the
   * heap in {@link #MEMORY_KIB} pieces, at most two per processor, at least one.
   */
  public static int concurrencyFor(long maxHeapBytes, int processors) {
    long byHeap = maxHeapBytes / 4 / (MEMORY_KIB * 1024L);
    return (int) Math.max(1, Math.min(byHeap, 2L * Math.max(1, processors)));
  }

  /** How many passwords this hasher has checked ({@link #verify} and {@link #burn}), e.g. for a throttle's test. */
  public long checks() {
    return checks.get();
  }

  /** How many hashes may run at once. */
  public int concurrency() {
    return concurrency;
  }

  /**
   * A new hash of {@code password} with a fresh random salt.
   *
   * @throws TooManyAttemptsException when no turn came within {@link #BUSY_WAIT}
   */
  public String hash(String password) {
    return inTurn(() -> Password.hash(password).addRandomSalt(SALT_BYTES).with(function).getResult());
  }

  /**
   * Whether {@code password} matches {@code hash}. False, after the same work as a real check, when
   * {@code hash} is null (no password set) or not an Argon2id hash; never throws for a bad hash.
   *
   * @throws TooManyAttemptsException when no turn came within {@link #BUSY_WAIT}
   */
  public boolean verify(String password, String hash) {
    String given = password == null ? "" : password;
    if (hash != null && hash.startsWith(PREFIX)) checks.incrementAndGet();
    if (hash == null || !hash.startsWith(PREFIX)) {
      burn(given);
      return false;
    }
    return inTurn(() -> {
      try {
        return Argon2Function.getInstanceFromHash(hash).check(given, hash);
      } catch (RuntimeException e) {
        return false; // a malformed stored hash matches nothing
      }
    });
  }

  /**
   * Spends the time of one verification on nothing: for a user name that does not exist.
   *
   * @throws TooManyAttemptsException when no turn came within {@link #BUSY_WAIT}
   */
  public void burn(String password) {
    checks.incrementAndGet();
    inTurn(() -> function.check(password == null ? "" : password, decoy));
  }

  private <T> T inTurn(java.util.function.Supplier<T> work) {
    boolean got;
    try {
      got = turns.tryAcquire(BUSY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      got = false;
    }
    if (!got) {
      throw new TooManyAttemptsException("the hub is checking many passwords at once", Duration.ofSeconds(5));
    }
    try {
      return work.get();
    } finally {
      turns.release();
    }
  }
}
