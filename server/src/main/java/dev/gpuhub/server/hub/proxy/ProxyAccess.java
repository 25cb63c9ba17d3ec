package dev.gpuhub.server.hub.proxy;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Decides who may reach {@code /user/<owner>/...}. Implementations read the hub's session cookie or
 * API token from the request; they must not consume the request body.
 */
@FunctionalInterface
public interface ProxyAccess {
  /** The outcome of a check. */
  enum Decision {
    /** The owner or an admin. */
    ALLOW,
    /** Nobody is logged in: browsers are sent to the login page. */
    ANONYMOUS,
    /** Someone else is logged in: 403. */
    FORBIDDEN
  }

  Decision check(HttpServletRequest request, String owner);
}
