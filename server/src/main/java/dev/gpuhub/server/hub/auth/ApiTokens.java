package dev.gpuhub.server.hub.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * API tokens: random, shown to their owner once, stored only as SHA-256 (a token has 256 random
 * bits, so a fast hash is enough). Sent as {@code Authorization: token <t>} (JupyterHub) or
 * {@code Authorization: Bearer <t>}.
 */
public final class ApiTokens {
  /** Random bytes per token; the token is their hex form (64 characters). */
  public static final int TOKEN_BYTES = 32;
  /** Longest token accepted from a header; longer ones are not looked up. */
  static final int MAX_TOKEN_CHARS = 256;

  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiTokens() {}

  /** A new random token. */
  public static String generate() {
    byte[] bytes = new byte[TOKEN_BYTES];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** The hex SHA-256 of a token, as {@code hub_tokens.token_hash} keeps it. */
  public static String sha256Hex(String token) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM lacks SHA-256, which every Java platform must have", e);
    }
  }

  /**
   * The token of an {@code Authorization} header of scheme {@code token} or {@code Bearer}
   * (case-insensitive); empty for no header, another scheme, or an empty or oversize token.
   */
  public static Optional<String> fromAuthorization(String header) {
    if (header == null) return Optional.empty();
    String h = header.strip();
    int space = h.indexOf(' ');
    if (space < 0) return Optional.empty();
    String scheme = h.substring(0, space).toLowerCase(Locale.ROOT);
    String token = h.substring(space + 1).strip();
    if (!scheme.equals("token") && !scheme.equals("bearer")) return Optional.empty();
    if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) return Optional.empty();
    return Optional.of(token);
  }
}
