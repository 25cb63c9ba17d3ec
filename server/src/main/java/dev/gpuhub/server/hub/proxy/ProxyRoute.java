package dev.gpuhub.server.hub.proxy;

import dev.gpuhub.core.hub.ServerId;
import java.util.Objects;

/**
 * Where one of a user's servers answers: {@code host:port}, serving under its prefix
 * ({@code /user/<user>/} or {@code /user/<user>/<server>/}), and the per-server token the proxy
 * adds to every request so the user never handles it; null for a server that authenticates its
 * users itself (JupyterHub's single-user server, by OAuth).
 */
public record ProxyRoute(ServerId server, String host, int port, String serverToken, boolean tls) {
  /** A route to a user's default server serving plain HTTP. */
  public ProxyRoute(String user, String host, int port, String serverToken) {
    this(ServerId.defaultOf(user), host, port, serverToken, false);
  }

  public ProxyRoute {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be 1..65535, was " + port);
  }

  /** Whether the proxy adds the server's token to what it forwards. */
  public boolean addsToken() {
    return serverToken != null;
  }

  /** The user the server belongs to. */
  public String user() {
    return server.user();
  }

  /** The path prefix the server is mounted under. */
  public String basePath() {
    return server.prefix();
  }

  /** {@code https://host:port} or {@code http://host:port}, as the server serves. */
  public String httpOrigin() {
    return origin(tls ? "https" : "http");
  }

  /** {@code wss://host:port} or {@code ws://host:port}, as the server serves. */
  public String wsOrigin() {
    return origin(tls ? "wss" : "ws");
  }

  /** {@code scheme://host:port} of this route's server. */
  public String origin(String scheme) {
    return origin(scheme, host, port);
  }

  /** {@code scheme://host:port}, IPv6 literals bracketed. */
  public static String origin(String scheme, String host, int port) {
    return scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
