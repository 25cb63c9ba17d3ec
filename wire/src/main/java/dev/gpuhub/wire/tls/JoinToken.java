package dev.gpuhub.wire.tls;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A short-lived join token, as {@code gpuhub join-token} prints it and {@code gpuhub agent --join}
 * takes it: {@code <id>.<secret>.<ca hash>}, in the manner of {@code kubeadm join --token ...
 * --discovery-token-ca-cert-hash ...} but in one string. The id names the token on the control
 * plane (which keeps only a hash of the secret); {@link #credential()} ({@code <id>.<secret>}) is
 * what the agent presents as its join secret; the CA hash (the cluster CA's SHA-256 fingerprint)
 * is what it pins, so a token copied to a new node is all it needs to join the right cluster.
 *
 * @param id          6 lowercase hex digits
 * @param secret      32 lowercase hex digits (128 random bits)
 * @param fingerprint the cluster CA's {@code sha256:<64 hex>}
 */
public record JoinToken(String id, String secret, String fingerprint) {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{6}");
  private static final Pattern SECRET = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern CREDENTIAL = Pattern.compile("([0-9a-f]{6})\\.([0-9a-f]{32})");
  private static final SecureRandom RANDOM = new SecureRandom();

  public JoinToken {
    if (id == null || !ID.matcher(id).matches()) throw new IllegalArgumentException("a join token's id is 6 hex digits");
    if (secret == null || !SECRET.matcher(secret).matches()) {
      throw new IllegalArgumentException("a join token's secret is 32 hex digits");
    }
    if (fingerprint == null || !fingerprint.startsWith("sha256:") || !HASH.matcher(fingerprint.substring(7)).matches()) {
      throw new IllegalArgumentException("a join token pins the CA by sha256: and 64 hex digits");
    }
  }

  /** A new random token pinning the CA with this fingerprint. */
  public static JoinToken random(String caFingerprint) {
    byte[] id = new byte[3];
    byte[] secret = new byte[16];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(secret);
    return new JoinToken(HexFormat.of().formatHex(id), HexFormat.of().formatHex(secret),
        caFingerprint.toLowerCase(Locale.ROOT));
  }

  /**
   * Reads {@code <id>.<secret>.<ca hash>}.
   *
   * @throws IllegalArgumentException naming what is wrong (never echoing the secret)
   */
  public static JoinToken parse(String text) {
    if (text == null || text.isBlank()) throw new IllegalArgumentException("the join token is empty");
    String[] parts = text.strip().toLowerCase(Locale.ROOT).split("\\.");
    if (parts.length != 3) {
      throw new IllegalArgumentException("a join token has three parts, <id>.<secret>.<ca hash>, as gpuhub join-token "
          + "prints it; this one has " + parts.length);
    }
    return new JoinToken(parts[0], parts[1], "sha256:" + parts[2]);
  }

  /** What the agent sends as its join secret: {@code <id>.<secret>}. */
  public String credential() {
    return id + "." + secret;
  }

  /** The token's id when {@code credential} has a join token's shape, else null. */
  public static String idOfCredential(String credential) {
    if (credential == null) return null;
    var m = CREDENTIAL.matcher(credential.strip());
    return m.matches() ? m.group(1) : null;
  }

  /** The secret part of {@code credential}, which {@link #idOfCredential} accepted. */
  public static String secretOfCredential(String credential) {
    return credential.strip().substring(7);
  }

  /** The whole token, to hand to {@code gpuhub agent --join}. */
  public String text() {
    return id + "." + secret + "." + fingerprint.substring(7);
  }

  /** Never shows the secret. */
  @Override
  public String toString() {
    return "JoinToken[id=" + id + ", fingerprint=" + fingerprint + "]";
  }
}
