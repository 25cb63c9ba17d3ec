package dev.gpuhub.server.hub.proxy;

import java.net.HttpCookie;
import java.util.List;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;

/**
 * What of the hub's own credentials may cross its proxies, in one place for {@code /user/} and
 * {@code /svc/}: requests forwarded to a workload never carry the client's {@code Authorization}
 * header or the hub's session cookie, and a workload's {@code Set-Cookie} is kept within the
 * workload's own path prefix (a workload shares the hub's origin, so a cookie for {@code /} or
 * {@code /hub/} would reach the hub): a cookie naming the hub's session cookie or a Domain is
 * dropped, one with a Path outside the prefix is re-scoped to the prefix (Jupyter's servers set
 * their {@code _xsrf} cookie for {@code /}).
 */
public final class HubCredentials {
  /** The hub's session cookie, which must never reach a workload nor be set by one. */
  public static final String SESSION_COOKIE = "gpuhub-session";

  private HubCredentials() {}

  /** Removes the client's Authorization header and the hub's session cookie from a forwarded request. */
  public static void strip(Request proxyRequest) {
    proxyRequest.headers(h -> {
      h.remove(HttpHeader.AUTHORIZATION);
      String cookies = h.get(HttpHeader.COOKIE);
      h.remove(HttpHeader.COOKIE);
      String kept = withoutSessionCookie(cookies);
      if (kept != null) h.put(HttpHeader.COOKIE, kept);
    });
  }

  /** The Cookie header without the hub's session cookies (the hub's and a subdomain's); null when nothing is left. */
  public static String withoutSessionCookie(String header) {
    if (header == null) return null;
    StringBuilder kept = new StringBuilder();
    for (String part : header.split(";")) {
      String p = part.strip();
      if (p.isEmpty() || p.startsWith(SESSION_COOKIE + "=") || p.startsWith(ServerSessions.COOKIE + "=")) continue;
      if (kept.length() > 0) kept.append("; ");
      kept.append(p);
    }
    return kept.length() == 0 ? null : kept.toString();
  }

  /**
   * A workload's response header as it may reach the client: a {@code Set-Cookie} that names the
   * hub's session cookie, or whose path is not within {@code prefix} (e.g. {@code /user/alice}), is
   * dropped (null); any other header is kept. A cookie without a path defaults to the request's
   * directory, which is within the prefix.
   */
  public static HttpField filterResponse(HttpField field, String prefix) {
    if (field == null || field.getHeader() != HttpHeader.SET_COOKIE) return field;
    if (!cookieAllowed(field.getValue(), prefix)) {
      String scoped = rescoped(field.getValue(), prefix);
      return scoped == null || !cookieAllowed(scoped, prefix) ? null : new HttpField(HttpHeader.SET_COOKIE, scoped);
    }
    return field;
  }

  /**
   * The {@code Set-Cookie} value with its Path set to {@code prefix/}; null for a cookie that must be
   * dropped whatever its path (the hub's session cookies, a Domain, unreadable).
   */
  static String rescoped(String setCookie, String prefix) {
    List<HttpCookie> cookies;
    try {
      cookies = HttpCookie.parse("set-cookie:" + setCookie);
    } catch (IllegalArgumentException e) {
      return null;
    }
    for (HttpCookie c : cookies) {
      if (c.getName().equalsIgnoreCase(SESSION_COOKIE) || c.getName().equalsIgnoreCase(ServerSessions.COOKIE)
          || c.getDomain() != null) {
        return null;
      }
    }
    StringBuilder out = new StringBuilder();
    boolean pathSet = false;
    for (String part : setCookie.split(";")) {
      String p = part.strip();
      if (p.regionMatches(true, 0, "path=", 0, 5) || p.equalsIgnoreCase("path")) {
        if (pathSet) continue;
        p = "Path=" + prefix + "/";
        pathSet = true;
      }
      if (out.length() > 0) out.append("; ");
      out.append(p);
    }
    if (!pathSet) out.append("; Path=").append(prefix).append('/');
    return out.toString();
  }

  /** Whether one {@code Set-Cookie} value stays within {@code prefix} and spares the hub's session. */
  static boolean cookieAllowed(String setCookie, String prefix) {
    List<HttpCookie> cookies;
    try {
      cookies = HttpCookie.parse("set-cookie:" + setCookie);
    } catch (IllegalArgumentException e) {
      return false; // what the JDK cannot read, a browser might read as anything
    }
    for (HttpCookie c : cookies) {
      if (c.getName().equalsIgnoreCase(SESSION_COOKIE) || c.getName().equalsIgnoreCase(ServerSessions.COOKIE)) return false;
      if (c.getDomain() != null) return false; // a Domain widens the cookie to other hosts
      String path = c.getPath();
      if (path == null) continue;
      if (path.contains("..") || !(path.equals(prefix) || path.startsWith(prefix + "/"))) return false;
    }
    return true;
  }
}
