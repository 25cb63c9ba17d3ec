package dev.gpuhub.server.hub.proxy;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Decides who may reach a user's server ({@code /user/<owner>/...}, default or named). Implementations read the hub's session cookie or
 * API token from the request; they must not consume the request body.
 */
@FunctionalInterface
public interface ProxyAccess {
  /** The outcome of a check. */
  enum Decision {
    /** The owner, or an admin who took the explicit step of opening this user's server. */
    ALLOW,
    /** An admin who has not taken that step (see {@link #ADMIN_ACCESS_PATH}): asked to. */
    ADMIN_MUST_CONFIRM,
    /** Nobody is logged in: browsers are sent to the login page. */
    ANONYMOUS,
    /** Someone else is logged in: 403. */
    FORBIDDEN
  }

  /** Where an admin confirms opening {@code <owner>}'s server: this path plus the owner's name. */
  String ADMIN_ACCESS_PATH = "/hub/admin/access/";

  Decision check(HttpServletRequest request, dev.gpuhub.core.hub.ServerId server);
}
