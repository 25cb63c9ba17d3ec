package dev.gpuhub.server.hub.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One {@code Set-Cookie} header value split as a browser splits it (RFC 6265 section 5.2): one cookie
 * per header, the name-value pair up to the first {@code ;}, then attributes whose names are compared
 * without case and whose repeated occurrences all count (a browser keeps the last Path). Nothing is
 * interpreted beyond that: no dates are parsed, so reading a header costs a few substrings.
 *
 * @param name the cookie's name, a non-empty token
 * @param pair the name-value pair as written (stripped)
 * @param attributes the attributes in order
 */
record SetCookie(String name, String pair, List<Attribute> attributes) {
  /** One attribute: its name and value stripped, and its text as written (stripped). */
  record Attribute(String name, String value, String text) {
    boolean is(String attribute) {
      return name.equalsIgnoreCase(attribute);
    }
  }

  private static final String SEPARATORS = "()<>@,;:\\\"/[]?={} \t";

  /** The header read as a browser would; empty for one a browser would ignore or that names no token. */
  static Optional<SetCookie> parse(String header) {
    if (header == null) return Optional.empty();
    int end = header.indexOf(';');
    String pair = (end < 0 ? header : header.substring(0, end)).strip();
    int eq = pair.indexOf('=');
    if (eq <= 0) return Optional.empty();
    String name = pair.substring(0, eq).strip();
    if (!isToken(name)) return Optional.empty();
    List<Attribute> attributes = new ArrayList<>(4);
    while (end >= 0) {
      int start = end + 1;
      end = header.indexOf(';', start);
      String text = (end < 0 ? header.substring(start) : header.substring(start, end)).strip();
      if (text.isEmpty()) continue;
      int at = text.indexOf('=');
      attributes.add(at < 0 ? new Attribute(text, "", text)
          : new Attribute(text.substring(0, at).strip(), text.substring(at + 1).strip(), text));
    }
    return Optional.of(new SetCookie(name, pair, attributes));
  }

  /** Whether any attribute is named {@code attribute} (case-insensitive). */
  boolean has(String attribute) {
    for (Attribute a : attributes) if (a.is(attribute)) return true;
    return false;
  }

  private static boolean isToken(String s) {
    if (s.isEmpty()) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f || SEPARATORS.indexOf(c) >= 0) return false;
    }
    return true;
  }
}
