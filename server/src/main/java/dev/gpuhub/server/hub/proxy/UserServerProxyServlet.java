package dev.gpuhub.server.hub.proxy;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import dev.gpuhub.server.workload.WorkloadTls;

/**
 * {@code /user/<name>/...}: Jetty's reverse proxy to that user's servers, for that user or an admin
 * only: {@code /user/<name>/<server>/...} to the named server {@code <server>} when it has a route,
 * everything else under {@code /user/<name>/} to the default server. HTTP goes through {@link ProxyServlet}; WebSocket upgrades through {@link WebSocketBridge}.
 * Every forwarded request carries {@code Authorization: token <server token>} instead of whatever
 * the client sent, and never the hub's session cookie; the server's {@code Set-Cookie} passes only
 * within {@code /user/<name>/} ({@link HubCredentials}). Traffic is recorded for the idle culler.
 *
 * <p>Answers: anonymous browser GET → 302 to {@code /hub/login?next=...}; anonymous otherwise or
 * another user → 403; no running server → 302 to {@code /hub/home} for a browser GET, else 404;
 * server unreachable → 502 (Jetty's proxy).
 */
public final class UserServerProxyServlet extends ProxyServlet {
  /** The hub's session cookie, which must never reach a user's server. */
  public static final String SESSION_COOKIE = HubCredentials.SESSION_COOKIE;
  private static final String ROUTE = UserServerProxyServlet.class.getName() + ".route";

  private final RouteTable routes;
  private final ProxyAccess access;
  private final WebSocketBridge webSockets;
  private final WorkloadTls tls;
  private final Subdomains subdomains;

  /** A proxy to servers serving plain HTTP. */
  public UserServerProxyServlet(RouteTable routes, ProxyAccess access) {
    this(routes, access, WorkloadTls.off());
  }

  /** A proxy dialling servers with {@code tls} (HTTPS to routes that say so), on the hub's origin. */
  public UserServerProxyServlet(RouteTable routes, ProxyAccess access, WorkloadTls tls) {
    this(routes, access, tls, Subdomains.off());
  }

  /** The same, serving each user's server on its own subdomain when {@code subdomains} is on. */
  public UserServerProxyServlet(RouteTable routes, ProxyAccess access, WorkloadTls tls, Subdomains subdomains) {
    this.routes = routes;
    this.access = access;
    this.tls = tls;
    this.subdomains = subdomains;
    this.webSockets = new WebSocketBridge(tls);
  }

  @Override
  protected ClientConnector newClientConnector() {
    return tls.jettyConnector();
  }

  @Override
  protected org.eclipse.jetty.client.HttpClient newHttpClient(ClientConnector connector) {
    return ProxyClients.tuned(super.newHttpClient(connector));
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
    String path = request.getRequestURI();
    String user = ownerOf(path);
    if (user == null) {
      sendJson(response, 404, "no such path: " + path);
      return;
    }
    if (subdomains.on() && !onOwnSubdomain(request, response, user, path)) return;
    dev.gpuhub.core.hub.ServerId server = routes.serverFor(user, path.length() > 7 + user.length()
        ? path.substring(7 + user.length()) : "");
    switch (access.check(request, server)) {
      case ANONYMOUS -> {
        if (isBrowserGet(request) && subdomains.on()) {
          // the hub's session cookie never comes here: the hub hands this browser a session of this server
          response.sendRedirect(subdomains.hubOrigin() + SERVER_LOGIN + "?user=" + user + "&next="
              + URLEncoder.encode(pathAndQuery(request), StandardCharsets.UTF_8));
        } else if (isBrowserGet(request)) {
          response.sendRedirect("/hub/login?next=" + URLEncoder.encode(path, StandardCharsets.UTF_8));
        } else {
          sendJson(response, 403, "log in first: this server belongs to " + user);
        }
        return;
      }
      case FORBIDDEN -> {
        sendJson(response, 403, "this server belongs to " + user + "; you may not use it");
        return;
      }
      case ADMIN_MUST_CONFIRM -> {
        String confirm = ProxyAccess.ADMIN_ACCESS_PATH + user;
        if (isBrowserGet(request)) {
          response.sendRedirect((subdomains.on() ? subdomains.hubOrigin() : "") + confirm + "?next="
              + URLEncoder.encode(path, StandardCharsets.UTF_8));
        } else {
          sendJson(response, 403, "this server belongs to " + user + ": as an admin, open it explicitly first"
              + " (POST " + confirm + ", logged) and then use it for an hour");
        }
        return;
      }
      case ALLOW -> { }
    }
    if ((path + "/").equals(server.prefix()) || path.equals("/user/" + user)) {
      response.sendRedirect(path + "/" + (request.getQueryString() == null ? "" : "?" + request.getQueryString()));
      return;
    }
    var route = routes.get(server);
    if (route.isEmpty()) {
      if (isBrowserGet(request)) response.sendRedirect("/hub/home");
      else sendJson(response, 404, user + " has no running server; start one at /hub/spawn");
      return;
    }
    routes.touch(server);
    boolean webSocket = "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
    if ((webSocket || !isSafe(request.getMethod())) && !sameOrigin(request)) {
      // the hub adds the server's token, so Jupyter's own XSRF and Origin checks never see the
      // browser: a page of another site must not write to a user's server nor open its kernels
      sendJson(response, 403, "cross-site " + (webSocket ? "WebSocket" : request.getMethod() + " request")
          + " refused: only pages of this hub may change a user's server");
      return;
    }
    if (webSocket) {
      webSockets.bridge(request, response, route.get(), request.getRequestURI(), () -> routes.touch(server));
      return;
    }
    request.setAttribute(ROUTE, route.get());
    super.service(request, response);
  }

  /** Where the hub hands a logged-in browser a session of a user's subdomain. */
  public static final String SERVER_LOGIN = "/hub/server-login";

  /**
   * With subdomains, a user's server answers only on its own subdomain: on the hub's host a browser
   * is sent there (anything else gets 404), and another user's subdomain does not serve it.
   * False when the request was answered here.
   */
  private boolean onOwnSubdomain(HttpServletRequest request, HttpServletResponse response, String user, String path)
      throws IOException {
    var hostOwner = subdomains.ownerOf(request.getHeader("Host"));
    if (hostOwner.isPresent() && hostOwner.get().equals(user)) return true;
    String there = subdomains.origin(user) + pathAndQuery(request);
    if (hostOwner.isEmpty() && isBrowserGet(request)) {
      response.sendRedirect(there);
    } else {
      sendJson(response, 404, "the server of " + user + " is served at " + subdomains.origin(user) + "/user/" + user + "/");
    }
    return false;
  }

  /**
   * {@code next} when it is a path within {@code owner}'s server ({@code /user/<owner>/...}, no
   * {@code ..}, no control characters), else the server's root: where a hub page may send a browser on.
   */
  public static String withinServer(String next, String owner) {
    String root = "/user/" + owner + "/";
    if (next == null || !next.startsWith(root) || next.contains("..") || next.chars().anyMatch(Character::isISOControl)) {
      return root;
    }
    return next;
  }

  private static String pathAndQuery(HttpServletRequest request) {
    String query = request.getQueryString();
    return request.getRequestURI() + (query == null ? "" : "?" + query);
  }

  @Override
  protected String rewriteTarget(HttpServletRequest request) {
    ProxyRoute route = (ProxyRoute) request.getAttribute(ROUTE);
    String query = request.getQueryString();
    return route.httpOrigin() + request.getRequestURI() + (query == null ? "" : "?" + query);
  }

  @Override
  protected void copyRequestHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
    super.copyRequestHeaders(clientRequest, proxyRequest);
    ProxyRoute route = (ProxyRoute) clientRequest.getAttribute(ROUTE);
    HubCredentials.strip(proxyRequest);
    if (route.addsToken()) proxyRequest.headers(h -> h.put(HttpHeader.AUTHORIZATION, "token " + route.serverToken()));
    // the browser's Origin was checked against the hub's own above; the server compares Origin with the
    // Host it sees (its own address), as Jupyter does for cookie-authenticated writes
    proxyRequest.headers(h -> {
      if (h.contains(HttpHeader.ORIGIN)) h.put(HttpHeader.ORIGIN, route.httpOrigin());
    });
  }

  @Override
  protected org.eclipse.jetty.http.HttpField filterServerResponseHeader(HttpServletRequest clientRequest,
      org.eclipse.jetty.client.Response serverResponse, org.eclipse.jetty.http.HttpField field) {
    ProxyRoute route = (ProxyRoute) clientRequest.getAttribute(ROUTE);
    String prefix = route.basePath();
    return HubCredentials.filterResponse(super.filterServerResponseHeader(clientRequest, serverResponse, field),
        prefix.substring(0, prefix.length() - 1));
  }

  @Override
  public void destroy() {
    webSockets.close();
    super.destroy();
  }

  /** The user a {@code /user/<name>/...} path belongs to, or null for other paths. */
  static String ownerOf(String path) {
    if (path == null || !path.startsWith("/user/")) return null;
    int end = path.indexOf('/', 6);
    String name = end < 0 ? path.substring(6) : path.substring(6, end);
    return name.isEmpty() ? null : name;
  }

  private static boolean isBrowserGet(HttpServletRequest request) {
    String accept = request.getHeader("Accept");
    return "GET".equals(request.getMethod()) && accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
  }

  private static boolean isSafe(String method) {
    return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
  }

  /**
   * Whether a request comes from a page of this hub, or from no page at all (a script or a
   * notebook client, which carries neither header): browsers send {@code Sec-Fetch-Site} and, on
   * writes and WebSockets, {@code Origin}, which must then name this host.
   */
  static boolean sameOrigin(HttpServletRequest request) {
    String site = request.getHeader("Sec-Fetch-Site");
    if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) return false;
    String origin = request.getHeader("Origin");
    if (origin == null) return true;
    String host = request.getHeader("Host");
    return host != null && (origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://" + host));
  }

  private static void sendJson(HttpServletResponse response, int status, String message) throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    response.getWriter().write(dev.gpuhub.server.http.ApiErrors.error(message).toString());
  }
}
