package dev.gpuhub.server.hub.proxy;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Per-user subdomains (JupyterHub's {@code subdomain_host}), the production setting: with
 * {@code GPUHUB_SUBDOMAIN_HOST=https://hub.example.org}, the hub answers at that host and each
 * user's server at {@code https://<user>.hub.example.org/user/<user>/}, an origin of its own. What a
 * user's server serves (scripts, cookies) then never runs on the hub's origin nor reaches the hub's
 * session cookie, which is host-only. Needs a wildcard DNS name and certificate for
 * {@code *.hub.example.org}. Immutable.
 *
 * @param scheme {@code http} or {@code https}; null when subdomains are off
 * @param host   the hub's host name, lower case
 * @param port   the port in its URLs, or -1 for the scheme's default
 */
public record Subdomains(String scheme, String host, int port) {
  private static final Pattern USER = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");

  /** Off: users' servers are under the hub's own origin at {@code /user/<name>/}. */
  public static Subdomains off() {
    return new Subdomains(null, null, -1);
  }

  /**
   * From {@code GPUHUB_SUBDOMAIN_HOST} (unset or blank: off).
   *
   * @throws IllegalArgumentException naming the variable when it is not an http(s) URL of a host
   */
  public static Subdomains fromEnv(Map<String, String> env) {
    String raw = env.get("GPUHUB_SUBDOMAIN_HOST");
    if (raw == null || raw.isBlank()) return off();
    URI uri;
    try {
      uri = URI.create(raw.strip());
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) || uri.getQuery() != null) {
      throw new IllegalArgumentException("GPUHUB_SUBDOMAIN_HOST must be the hub's URL without a path, such as"
          + " https://hub.example.org (users' servers are then at https://<user>.hub.example.org), was '" + raw + "'");
    }
    return new Subdomains(uri.getScheme(), uri.getHost().toLowerCase(Locale.ROOT), uri.getPort());
  }

  public boolean on() {
    return host != null;
  }

  /** The user whose subdomain the {@code Host} header names, if it names one. */
  public Optional<String> ownerOf(String hostHeader) {
    if (!on() || hostHeader == null) return Optional.empty();
    String h = hostHeader.toLowerCase(Locale.ROOT);
    int colon = h.lastIndexOf(':');
    if (colon > 0 && h.indexOf(']') < colon) h = h.substring(0, colon);
    if (!h.endsWith("." + host)) return Optional.empty();
    String user = h.substring(0, h.length() - host.length() - 1);
    return USER.matcher(user).matches() && !user.contains(".") ? Optional.of(user) : Optional.empty();
  }

  /** The origin of {@code user}'s server, e.g. {@code https://alice.hub.example.org}. */
  public String origin(String user) {
    return scheme + "://" + user + "." + host + (port < 0 ? "" : ":" + port);
  }

  /** Every user's origin as a CSP source, e.g. {@code https://*.hub.example.org}. */
  public String wildcardOrigin() {
    return origin("*");
  }

  /** The hub's own origin, e.g. {@code https://hub.example.org}. */
  public String hubOrigin() {
    return scheme + "://" + host + (port < 0 ? "" : ":" + port);
  }
}
