package dev.gpuhub.server.hub.proxy;

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
   * The {@code Set-Cookie} value with its Path set to {@code prefix/} (once, where its first Path was);
   * null for a cookie that must be dropped whatever its path (the hub's session cookies, a Domain,
   * unreadable).
   */
  static String rescoped(String setCookie, String prefix) {
    SetCookie cookie = SetCookie.parse(setCookie).filter(HubCredentials::mayBeSet).orElse(null);
    if (cookie == null) return null;
    StringBuilder out = new StringBuilder(cookie.pair());
    boolean pathSet = false;
    for (SetCookie.Attribute a : cookie.attributes()) {
      if (a.is("path")) {
        if (pathSet) continue;
        pathSet = true;
        out.append("; Path=").append(prefix).append('/');
      } else {
        out.append("; ").append(a.text());
      }
    }
    if (!pathSet) out.append("; Path=").append(prefix).append('/');
    return out.toString();
  }

  /**
   * Whether one {@code Set-Cookie} value stays within {@code prefix} and spares the hub's session:
   * every Path it carries (a browser keeps the last) is the prefix or below it.
   */
  static boolean cookieAllowed(String setCookie, String prefix) {
    SetCookie cookie = SetCookie.parse(setCookie).orElse(null);
    if (cookie == null || !mayBeSet(cookie)) return false; // what we cannot read, a browser might read as anything
    for (SetCookie.Attribute a : cookie.attributes()) {
      if (!a.is("path")) continue;
      String path = a.value();
      if (path.contains("..") || !(path.equals(prefix) || path.startsWith(prefix + "/"))) return false;
    }
    return true;
  }

  /** Not one of the hub's session cookies, and no Domain (which widens a cookie to other hosts). */
  private static boolean mayBeSet(SetCookie cookie) {
    return !cookie.name().equalsIgnoreCase(SESSION_COOKIE) && !cookie.name().equalsIgnoreCase(ServerSessions.COOKIE)
        && !cookie.has("domain");
  }
}
