package dev.gpuhub.core.config;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Typed reads of configuration variables (environment variables or equivalent) with a default
 * for each. A value that does not parse or is out of range throws {@link IllegalArgumentException}
 * naming the variable, the bad value and what is accepted. Blank values count as unset.
 */
public final class EnvReader {
  private final Map<String, String> env;

  public EnvReader(Map<String, String> env) {
    this.env = Objects.requireNonNull(env, "env");
  }

  /** The raw value, or {@code null} when unset or blank. */
  public String raw(String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  public String string(String name, String fallback) {
    String v = raw(name);
    return v == null ? fallback : v;
  }

  public int integer(String name, int fallback, int min, int max) {
    String v = raw(name);
    if (v == null) return fallback;
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) throw bad(name, v, "an integer from " + min + " to " + max);
      return n;
    } catch (NumberFormatException e) {
      throw bad(name, v, "an integer from " + min + " to " + max);
    }
  }

  public double decimal(String name, double fallback, double min, double max) {
    String v = raw(name);
    if (v == null) return fallback;
    try {
      double d = Double.parseDouble(v);
      if (!(d >= min && d <= max)) throw bad(name, v, "a number from " + min + " to " + max);
      return d;
    } catch (NumberFormatException e) {
      throw bad(name, v, "a number from " + min + " to " + max);
    }
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

  /** One of {@code allowed} (case-insensitive), returned in lower case. */
  public String choice(String name, String fallback, String... allowed) {
    String v = raw(name);
    if (v == null) return fallback;
    String lower = v.toLowerCase(Locale.ROOT);
    for (String a : allowed) {
      if (a.equals(lower)) return a;
    }
    throw bad(name, v, "one of " + String.join(", ", allowed));
  }

  private static IllegalArgumentException bad(String name, String value, String accepted) {
    return new IllegalArgumentException(name + "='" + value + "' is not valid: use " + accepted);
  }
}
