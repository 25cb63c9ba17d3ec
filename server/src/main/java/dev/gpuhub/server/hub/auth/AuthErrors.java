package dev.gpuhub.server.hub.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.server.http.ApiErrors;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Answers for the auth exceptions: JSON {@code {"error": ..., "status": n}} under
 * {@code /hub/api}, an HTML page (or the login redirect) elsewhere. Other exceptions are left to
 * {@link ApiErrors}.
 */
final class AuthErrors {
  private AuthErrors() {}

  static void install(JavalinConfig config) {
    var routes = config.routes;
    routes.exception(LoginRequiredException.class, (e, ctx) -> {
      if (HubAuth.isApiPath(ctx.path())) json(ctx, HttpStatus.FORBIDDEN, e.getMessage());
      else ctx.redirect(loginUrl(ctx), HttpStatus.FOUND);
    });
    routes.exception(ForbiddenException.class, (e, ctx) -> {
      if (HubAuth.isApiPath(ctx.path())) json(ctx, HttpStatus.FORBIDDEN, e.getMessage());
      else html(ctx, HttpStatus.FORBIDDEN, "Forbidden", e.getMessage());
    });
    routes.exception(TooManyAttemptsException.class, (e, ctx) -> {
      ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
      if (HubAuth.isApiPath(ctx.path())) json(ctx, HttpStatus.TOO_MANY_REQUESTS, e.getMessage());
      else html(ctx, HttpStatus.TOO_MANY_REQUESTS, "Too many attempts", e.getMessage());
    });
  }

  /** {@code /hub/login?next=<this request's path and query>}. */
  static String loginUrl(Context ctx) {
    String query = ctx.queryString();
    String next = ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query);
    return "/hub/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
  }

  static void json(Context ctx, HttpStatus status, String message) {
    ObjectNode body = ApiErrors.error(message);
    body.put("status", status.getCode());
    ApiErrors.send(ctx, status.getCode(), body);
  }

  static void html(Context ctx, HttpStatus status, String title, String message) {
    ctx.status(status).html(AuthPages.message(title, message, "/hub/home", "Back to the hub"));
  }
}
