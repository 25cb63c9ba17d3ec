package dev.gpuhub.server.hub.auth;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * JupyterHub's XSRF convention (a double-submit cookie): the hub sets an {@code _xsrf} cookie that
 * pages can read; a state-changing request must send the same value back as form field
 * {@code _xsrf} or header {@code X-XSRFToken}. The cookie's path is {@link #COOKIE_PATH}, as
 * JupyterHub's is, so it never reaches (and never clashes with the {@code _xsrf} cookie of) a
 * user's Jupyter server under {@code /user/<name>/}.
 *
 * <p>A token is signed to the session it serves: a random nonce and an HMAC-SHA256, under a key of
 * this hub process, of the session id (the session cookie's value, or nothing before login) and
 * that nonce. A page of the same site (a user's server shares the hub's origin) can overwrite the
 * cookie, but cannot make a token that passes for someone else's session, so the double submit
 * cannot be forged by setting both halves.
 */
public final class Xsrf {
  /** Name of the cookie, of the form field and of JupyterHub's query argument. */
  public static final String COOKIE = "_xsrf";
  /** Form field that carries the token. */
  public static final String FIELD = "_xsrf";
  /** Header that carries the token (for scripts and JavaScript). */
  public static final String HEADER = "X-XSRFToken";
  /** Path of the cookie: every hub page and API, nothing else. */
  public static final String COOKIE_PATH = "/hub/";
  /** Random bytes per token. */
  static final int NONCE_BYTES = 16;
  /** Bytes of the token's signature (HMAC-SHA256, truncated). */
  static final int SIGNATURE_BYTES = 16;
  /** An existing cookie shorter than this is replaced (too short to be one of ours). */
  static final int MIN_TOKEN_CHARS = 16;
  /** An existing cookie longer than this is replaced. */
  static final int MAX_TOKEN_CHARS = 256;
  /** Request attribute holding the token chosen for this request. */
  private static final String ATTRIBUTE = "gpuhub.xsrf";

  private final SecureRandom random = new SecureRandom();
  private final boolean secureCookie;
  private final byte[] key = new byte[32];

  public Xsrf(boolean secureCookie) {
    this.secureCookie = secureCookie;
    random.nextBytes(key);
  }

  /**
   * The token for forms in this response, for the session {@code sessionId} (null before login):
   * the request's {@code _xsrf} cookie when it is a token of that session, else a new one, which is
   * then set as the cookie (not HttpOnly, SameSite=Lax).
   */
  public String token(Context ctx, String sessionId) {
    String chosen = ctx.attribute(ATTRIBUTE);
    if (chosen != null && signedFor(chosen, sessionId)) return chosen;
    String existing = ctx.cookie(COOKIE);
    if (chosen == null && usable(existing) && signedFor(existing, sessionId)) {
      chosen = existing;
    } else {
      chosen = issue(sessionId);
      Cookie cookie = new Cookie(COOKIE, chosen);
      cookie.setPath(COOKIE_PATH);
      cookie.setMaxAge(-1);
      cookie.setHttpOnly(false); // pages' JavaScript reads it to fill X-XSRFToken
      cookie.setSecure(secureCookie);
      cookie.setSameSite(SameSite.LAX);
      ctx.cookie(cookie);
    }
    ctx.attribute(ATTRIBUTE, chosen);
    return chosen;
  }

  /**
   * Passes when the request's {@code _xsrf} cookie equals its {@code X-XSRFToken} header or, without
   * the header, its {@code _xsrf} form field (compared in constant time).
   *
   * @throws XsrfException naming what is missing or wrong; nothing has been done then
   */
  public void check(Context ctx, String sessionId) {
    String cookie = ctx.cookie(COOKIE);
    if (!usable(cookie)) {
      throw new XsrfException("XSRF cookie '_xsrf' is missing: load the page (GET) first so the hub"
          + " sets it, then send its value as form field '_xsrf' or header 'X-XSRFToken'");
    }
    String sent = ctx.header(HEADER);
    if (sent == null || sent.isEmpty()) sent = formField(ctx);
    if (sent == null || sent.isEmpty()) {
      throw new XsrfException("'_xsrf' argument missing: send the value of the '_xsrf' cookie as form"
          + " field '_xsrf' or header 'X-XSRFToken'");
    }
    if (!MessageDigest.isEqual(cookie.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8))) {
      throw new XsrfException("XSRF check failed: the '_xsrf' value sent does not match the '_xsrf'"
          + " cookie; reload the page and submit again");
    }
    if (!signedFor(sent, sessionId)) {
      throw new XsrfException("XSRF check failed: the '_xsrf' value is not one this hub gave your session;"
          + " reload the page and submit again");
    }
  }

  /** A new token of the session {@code sessionId}: nonce and signature, base64url. */
  String issue(String sessionId) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] token = new byte[NONCE_BYTES + SIGNATURE_BYTES];
    System.arraycopy(nonce, 0, token, 0, NONCE_BYTES);
    System.arraycopy(sign(sessionId, nonce), 0, token, NONCE_BYTES, SIGNATURE_BYTES);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
  }

  /** Whether {@code token} was issued by this hub for the session {@code sessionId}. */
  boolean signedFor(String token, String sessionId) {
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (raw.length != NONCE_BYTES + SIGNATURE_BYTES) return false;
    byte[] nonce = java.util.Arrays.copyOf(raw, NONCE_BYTES);
    byte[] given = java.util.Arrays.copyOfRange(raw, NONCE_BYTES, raw.length);
    return MessageDigest.isEqual(given, sign(sessionId, nonce));
  }

  private byte[] sign(String sessionId, byte[] nonce) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
      mac.update((sessionId == null ? "" : sessionId).getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      mac.update(nonce);
      return java.util.Arrays.copyOf(mac.doFinal(), SIGNATURE_BYTES);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static String formField(Context ctx) {
    if (!isForm(ctx)) return null;
    return ctx.formParam(FIELD);
  }

  /** Whether the body is a form (url-encoded or multipart), whose fields can carry the token. */
  static boolean isForm(Context ctx) {
    String type = ctx.contentType();
    if (type == null) return false;
    String t = type.toLowerCase(java.util.Locale.ROOT);
    return t.startsWith("application/x-www-form-urlencoded") || t.startsWith("multipart/form-data");
  }

  /**
   * Whether a cookie's value can serve as the token: of a token's length and made only of the
   * characters the hub's tokens use (base64url), since pages repeat it. Any page of the hub's origin
   * (a user's server too) can set this cookie, so anything else is replaced by a fresh token.
   */
  private static boolean usable(String token) {
    return token != null && token.length() >= MIN_TOKEN_CHARS && token.length() <= MAX_TOKEN_CHARS
        && token.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_');
  }
}
