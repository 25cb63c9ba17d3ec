package dev.gpuhub.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mutual authentication of agent and server with one shared token ({@code GPUHUB_AGENT_TOKEN}).
 *
 * <p>The agent sends {@code Authorization: Bearer <token>} and a fresh random
 * {@link #NONCE_HEADER}; the server checks the token and answers with {@link #PROOF_HEADER} =
 * base64url(HMAC-SHA256(token, "gpuhub-server:" + nonce)), which the agent checks, so an agent
 * never takes an impostor's answer for the server's. Comparisons are constant-time.
 */
public final class AgentAuth {
  public static final String NONCE_HEADER = "X-Gpuhub-Nonce";
  public static final String PROOF_HEADER = "X-Gpuhub-Proof";
  /** Shortest token accepted: 16 characters. */
  public static final int MIN_TOKEN_LENGTH = 16;

  private static final SecureRandom RANDOM = new SecureRandom();

  private AgentAuth() {}

  /** A new random token (32 bytes, base64url), for {@code gpuhub up} and for tests. */
  public static String generateToken() {
    return randomBase64(32);
  }

  /** A new random nonce for one request. */
  public static String newNonce() {
    return randomBase64(16);
  }

  /**
   * Validates a configured token.
   *
   * @throws IllegalArgumentException naming the variable and the rule when it is missing or short
   */
  public static String requireValidToken(String token, String source) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException(source + " is not set: agent and server need the same shared token "
          + "(at least " + MIN_TOKEN_LENGTH + " characters); there is no built-in default");
    }
    if (token.strip().length() < MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException(source + " is too short: use at least " + MIN_TOKEN_LENGTH + " characters");
    }
    return token.strip();
  }

  /** True when the Authorization header value carries exactly this token as a Bearer token. */
  public static boolean bearerMatches(String authorizationHeader, String token) {
    if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
    return constantTimeEquals(authorizationHeader.substring(7).strip(), token);
  }

  /** The proof the server answers for a nonce. */
  public static String proof(String token, String nonce) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] digest = mac.doFinal(("gpuhub-server:" + nonce).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /** True when {@code proof} is the right answer to {@code nonce} for this token. */
  public static boolean proofMatches(String token, String nonce, String proof) {
    return proof != null && constantTimeEquals(proof(token, nonce), proof);
  }

  /** Compares two secrets in time that does not depend on where they differ. */
  public static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static String randomBase64(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
