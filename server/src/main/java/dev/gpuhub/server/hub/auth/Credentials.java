package dev.gpuhub.server.hub.auth;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rules for user names and passwords. Names are lower-cased, then must match
 * {@link #USERNAME}; passwords have at least {@link #MIN_PASSWORD_LENGTH} characters (and at most
 * {@link #MAX_PASSWORD_LENGTH}, so hashing stays bounded).
 */
public final class Credentials {
  /** A user name after lower-casing: 1 to 32 of a-z 0-9 . _ - starting with a letter or digit. */
  public static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");
  /** Shortest accepted password, in characters. */
  public static final int MIN_PASSWORD_LENGTH = 8;
  /** Longest accepted password, in characters. */
  public static final int MAX_PASSWORD_LENGTH = 1024;
  /** Most characters of a rejected name quoted back in an error. */
  private static final int SHOWN_CHARS = 40;

  private Credentials() {}

  /**
   * The normalised form of a user name: trimmed and lower-cased.
   *
   * @throws InvalidCredentialsException when it is empty or breaks {@link #USERNAME}
   */
  public static String username(String raw) {
    String name = normalize(raw);
    if (name.isEmpty()) {
      throw new InvalidCredentialsException("user name is missing: choose one of 1 to 32 characters"
          + " (a-z, 0-9, '.', '_', '-')");
    }
    if (!USERNAME.matcher(name).matches()) {
      throw new InvalidCredentialsException("user name '" + shown(raw) + "' is not allowed: use 1 to"
          + " 32 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
    }
    return name;
  }

  /** The raw name as quoted in an error, cut to {@link #SHOWN_CHARS} characters. */
  private static String shown(String raw) {
    String s = raw.strip();
    return s.length() <= SHOWN_CHARS ? s : s.substring(0, SHOWN_CHARS) + "...";
  }

  /** Trimmed and lower-cased, without checking the rule; "" for null. */
  public static String normalize(String raw) {
    return raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
  }

  /** Whether {@code raw} is a valid user name once normalised. */
  public static boolean isValidUsername(String raw) {
    return USERNAME.matcher(normalize(raw)).matches();
  }

  /**
   * Checks a new password and, when {@code confirmation} is not null, that it repeats the password.
   *
   * @throws InvalidCredentialsException naming the broken rule
   */
  public static void checkNewPassword(String password, String confirmation) {
    int length = password == null ? 0 : password.codePointCount(0, password.length());
    if (length < MIN_PASSWORD_LENGTH) {
      throw new InvalidCredentialsException("password is too short (" + length + " characters):"
          + " choose one of at least " + MIN_PASSWORD_LENGTH + " characters");
    }
    if (length > MAX_PASSWORD_LENGTH) {
      throw new InvalidCredentialsException("password is too long (" + length + " characters):"
          + " choose one of at most " + MAX_PASSWORD_LENGTH + " characters");
    }
    if (confirmation != null && !confirmation.equals(password)) {
      throw new InvalidCredentialsException("the password and its confirmation differ: type the"
          + " same password in both fields");
    }
  }
}
