package dev.gpuhub.store.jdbc;

import dev.gpuhub.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts the secrets the hub must read back (users' server tokens, which the proxy presents to
 * their servers) before they reach the database, with AES-256-GCM under a key that never enters
 * the database: a copy or dump of the database alone gives no working token. The key lives in
 * {@value #KEY_FILE} in the control plane's data directory (created with 32 random bytes, mode
 * 0600, on first start); keep it with the data directory's backups, apart from the database's.
 *
 * <p>A stored value starts with {@value #PREFIX}; a value without it is one written before this
 * existed, read as it is and sealed at its next write.
 */
public final class SecretBox {
  /** The key file's name in the data directory. */
  public static final String KEY_FILE = "secret.key";
  /** Marks a sealed value (and its format version). */
  static final String PREFIX = "sealed:v1:";
  private static final int KEY_BYTES = 32;
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  private SecretBox(byte[] key) {
    if (key.length != KEY_BYTES) throw new StoreException("the secret key must be " + KEY_BYTES + " bytes, not " + key.length, null);
    this.key = new SecretKeySpec(key, "AES");
  }

  /**
   * The box whose key is {@code dir/secret.key}, creating the key (owner-only) when it is missing.
   *
   * @throws StoreException when the key cannot be read or written, or is not a key
   */
  public static SecretBox inDirectory(Path dir) {
    Path file = dir.resolve(KEY_FILE);
    try {
      Files.createDirectories(dir);
      if (!Files.exists(file)) {
        byte[] fresh = new byte[KEY_BYTES];
        RANDOM.nextBytes(fresh);
        try {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          Files.write(file, Base64.getEncoder().encode(fresh), StandardOpenOption.TRUNCATE_EXISTING);
        } catch (FileAlreadyExistsException raced) {
          // another process made it meanwhile: read theirs
        }
      }
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      byte[] text = Files.readAllBytes(file);
      try {
        return new SecretBox(Base64.getDecoder().decode(new String(text, StandardCharsets.US_ASCII).strip()));
      } catch (IllegalArgumentException e) {
        throw new StoreException(file + " is not a gpuhub secret key (base64 of " + KEY_BYTES + " bytes)", e);
      } finally {
        Arrays.fill(text, (byte) 0);
      }
    } catch (IOException e) {
      throw new StoreException("cannot read or create the secret key " + file + ": " + e.getMessage(), e);
    }
  }

  /** A box with a key that lives only as long as this process: for tests and benchmarks. */
  public static SecretBox ephemeral() {
    byte[] fresh = new byte[KEY_BYTES];
    RANDOM.nextBytes(fresh);
    return new SecretBox(fresh);
  }

  /** {@code clear} encrypted and authenticated, as text for a database column; null stays null. */
  public String seal(String clear) {
    if (clear == null) return null;
    byte[] iv = new byte[IV_BYTES];
    RANDOM.nextBytes(iv);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      byte[] sealed = cipher.doFinal(clear.getBytes(StandardCharsets.UTF_8));
      return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JVM", e);
    }
  }

  /**
   * The clear text of a stored value: sealed values are decrypted, values written before sealing
   * are returned as they are; null stays null.
   *
   * @throws StoreException when a sealed value was sealed under another key or was altered
   */
  public String open(String stored) {
    if (stored == null || !stored.startsWith(PREFIX)) return stored;
    try {
      byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
      return new String(cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new StoreException("a sealed secret in the database does not open with " + KEY_FILE
          + ": the data directory's key is not the one it was sealed with, or the value was altered", e);
    }
  }
}
