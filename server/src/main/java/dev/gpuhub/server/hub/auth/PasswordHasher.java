package dev.gpuhub.server.hub.auth;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Slow salted password hashes: Argon2id with OWASP's memory (19 MiB) and 5 passes instead of its
 * minimum of 2, so that one hash takes over 50 ms (60-120 ms measured on the development machine;
 * 2 passes took only 35 ms there once the JIT had warmed up). A hash is a PHC string naming its
 * algorithm and parameters ({@code $argon2id$v=19$m=19456,t=5,p=1$<salt>$<hash>}), so hashes made
 * with other parameters still verify after the defaults change. Thread-safe.
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

  private final Argon2Function function =
      Argon2Function.getInstance(MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES, Argon2.ID);
  // verified against when the user does not exist, so that costs the same time as a wrong password
  private final String decoy;

  public PasswordHasher() {
    byte[] random = new byte[SALT_BYTES];
    new SecureRandom().nextBytes(random);
    this.decoy = hash(HexFormat.of().formatHex(random));
  }

  /** A new hash of {@code password} with a fresh random salt. */
  public String hash(String password) {
    return Password.hash(password).addRandomSalt(SALT_BYTES).with(function).getResult();
  }

  /**
   * Whether {@code password} matches {@code hash}. False, after the same work as a real check, when
   * {@code hash} is null (no password set) or not an Argon2id hash; never throws for a bad hash.
   */
  public boolean verify(String password, String hash) {
    if (password == null) password = "";
    if (hash == null || !hash.startsWith(PREFIX)) {
      burn(password);
      return false;
    }
    try {
      return Argon2Function.getInstanceFromHash(hash).check(password, hash);
    } catch (RuntimeException e) {
      return false; // a malformed stored hash matches nothing
    }
  }

  /** Spends the time of one verification on nothing: for a user name that does not exist. */
  public void burn(String password) {
    function.check(password == null ? "" : password, decoy);
  }
}
