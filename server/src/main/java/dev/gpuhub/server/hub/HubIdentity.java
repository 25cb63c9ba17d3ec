package dev.gpuhub.server.hub;

import io.javalin.http.Context;
import java.util.Optional;

/**
 * Who is calling the hub, as the hub's pages and API need it. Implemented over the hub's sessions
 * and API tokens; the contract is JupyterHub's: anonymous page requests are sent to the login page,
 * anonymous API requests get 403, and state-changing cookie-authenticated requests need the
 * {@code _xsrf} value (form field or {@code X-XSRFToken} header).
 */
public interface HubIdentity {
  /** A logged-in user. */
  record User(String name, boolean admin) {}

  /** The caller, or empty when anonymous. */
  Optional<User> current(Context ctx);

  /**
   * The caller; when anonymous, ends the request (302 to {@code /hub/login?next=...} for pages,
   * 403 for {@code /hub/api}) by throwing.
   */
  User requireUser(Context ctx);

  /** The caller if it is {@code owner} or an admin; otherwise ends the request with 403 by throwing. */
  User requireOwnerOrAdmin(Context ctx, String owner);

  /** The caller if admin; otherwise 403 by throwing. */
  User requireAdmin(Context ctx);

  /** Ends the request with 403 by throwing when a cookie-authenticated write lacks the right _xsrf. */
  void checkXsrf(Context ctx);

  /** The _xsrf value to embed in forms of this response (sets the cookie when absent). */
  String xsrfToken(Context ctx);
}
