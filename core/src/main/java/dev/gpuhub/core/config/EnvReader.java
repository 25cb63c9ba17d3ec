package dev.gpuhub.core.config;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Typed reads of configuration variables (environment variables or equivalent) with a default
 * for each. A value that does not parse or is out of range throws {@link IllegalArgumentException}
 * worded "NAME must be WHAT IS ACCEPTED, was 'VALUE'". Blank values count as unset.
 */
public final class EnvReader {
  private final Map<String, String> env;

  public EnvReader(Map<String, String> env) {
    this.env = Objects.requireNonNull(env, "env");
  }

  /** The trimmed value, or {@code null} when unset or blank. */
  public String raw(String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  public String string(String name, String fallback) {
    String v = raw(name);
    return v == null ? fallback : v;
  }

  /** A secret exactly as given (not trimmed), or {@code null} when unset or empty. */
  public String secret(String name) {
    String v = env.get(name);
    return v == null || v.isEmpty() ? null : v;
  }

  public int integer(String name, int fallback, int min, int max) {
    String v = raw(name);
    if (v == null) return fallback;
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) return n;
    } catch (NumberFormatException e) {
      // reported below with the accepted range
    }
    throw bad(name, v, max == Integer.MAX_VALUE ? "an integer >= " + min : "an integer from " + min + " to " + max);
  }

  public double decimal(String name, double fallback, double min, double max) {
    String v = raw(name);
    if (v == null) return fallback;
    try {
      double d = Double.parseDouble(v);
      if (d >= min && d <= max) return d;
    } catch (NumberFormatException e) {
      // reported below with the accepted range
    }
    throw bad(name, v, "a number from " + min + " to " + max);
  }

  public boolean bool(String name, boolean fallback) {
    String v = raw(name);
    if (v == null) return fallback;
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw bad(name, v, "true or false");
    };
  }

  /** One of an enum's constants, matched case-insensitively by name. */
  public <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
    String v = raw(name);
    if (v == null) return fallback;
    StringBuilder accepted = new StringBuilder();
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(v)) return constant;
      if (accepted.length() > 0) accepted.append(" or ");
      accepted.append('\'').append(constant.name().toLowerCase(Locale.ROOT)).append('\'');
    }
    throw bad(name, v, accepted.toString());
  }

  private static IllegalArgumentException bad(String name, String value, String accepted) {
    return new IllegalArgumentException(name + " must be " + accepted + ", was '" + value + "'");
  }
}
