package dev.gpuhub.server.hub.auth;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a restricted token (one whose scopes are not {@code inherit}: a server's own token, an OAuth
 * token, a token made with {@code scopes}) may call on the hub. Every {@code /hub/*} request made
 * with such a token must match a row of {@link #RULES} and hold that row's scope for the user the
 * path names; anything else is 403 naming the scope. Sessions and full tokens are not affected
 * here: the routes' own guards (self or admin) apply to them, and to restricted tokens as well.
 */
final class ScopeGuard {
  /**
   * One rule: a method, a path pattern (group 1, when present, is the user; group 2 a server's
   * name), the scope it needs ("" for none).
   */
  private record Rule(HandlerType method, Pattern path, String scope) {}

  private static final String USER = "([^/]+)";
  private static final List<Rule> RULES = List.of(
      rule(HandlerType.GET, "/hub/api/?", ""),
      rule(HandlerType.GET, "/hub/api/info", "read:hub"),
      rule(HandlerType.GET, "/hub/api/user", ""),
      rule(HandlerType.POST, "/hub/api/oauth2/token", ""), // the client authenticates by its secret
      rule(HandlerType.GET, "/hub/api/users", "list:users"),
      rule(HandlerType.POST, "/hub/api/users", "admin:users"),
      rule(HandlerType.GET, "/hub/api/users/" + USER, "read:users"),
      rule(HandlerType.POST, "/hub/api/users/" + USER, "admin:users"),
      rule(HandlerType.PATCH, "/hub/api/users/" + USER, "admin:users"),
      rule(HandlerType.DELETE, "/hub/api/users/" + USER, "delete:users"),
      rule(HandlerType.POST, "/hub/api/users/" + USER + "/approve", "admin:users"),
      rule(HandlerType.POST, "/hub/api/users/" + USER + "/activity", "users:activity"),
      rule(HandlerType.POST, "/hub/api/users/" + USER + "/server", "servers"),
      rule(HandlerType.DELETE, "/hub/api/users/" + USER + "/server", "delete:servers"),
      rule(HandlerType.POST, "/hub/api/users/" + USER + "/servers/([^/]+)", "servers"),
      rule(HandlerType.DELETE, "/hub/api/users/" + USER + "/servers/([^/]+)", "delete:servers"),
      rule(HandlerType.GET, "/hub/api/users/" + USER + "/notices", "read:users"),
      rule(HandlerType.POST, "/hub/api/users/" + USER + "/server/gpu", "servers"),
      rule(HandlerType.POST, "/hub/api/users/" + USER + "/servers/([^/]+)/gpu", "servers"),
      rule(HandlerType.GET, "/hub/api/users/" + USER + "/tokens(?:/[^/]+)?", "read:tokens"),
      rule(HandlerType.POST, "/hub/api/users/" + USER + "/tokens", "tokens"),
      rule(HandlerType.DELETE, "/hub/api/users/" + USER + "/tokens/[^/]+", "tokens"),
      rule(HandlerType.GET, "/hub/api/groups", "list:groups"),
      rule(HandlerType.POST, "/hub/api/groups", "admin:groups"),
      rule(HandlerType.GET, "/hub/api/groups/[^/]+", "read:groups"),
      rule(HandlerType.POST, "/hub/api/groups/[^/]+", "admin:groups"),
      rule(HandlerType.DELETE, "/hub/api/groups/[^/]+", "delete:groups"),
      rule(HandlerType.POST, "/hub/api/groups/[^/]+/users", "groups"),
      rule(HandlerType.DELETE, "/hub/api/groups/[^/]+/users", "groups"),
      rule(HandlerType.GET, "/hub/metrics", "read:metrics"));

  /**
   * List scopes a token may hold filtered ({@code list:users!group=students}): the list route then
   * answers with what the filter covers, as JupyterHub does, instead of refusing.
   */
  static final java.util.Set<String> LISTS_FILTERED_BY_ROUTE = java.util.Set.of("list:users");

  private ScopeGuard() {}

  private static Rule rule(HandlerType method, String path, String scope) {
    return new Rule(method, Pattern.compile(path), scope);
  }

  /**
   * Checks the request's restricted token, if it has one.
   *
   * @throws ForbiddenException when the token's scopes do not cover the request
   */
  static void check(Context ctx, HubAuth auth) {
    Optional<HubAuth.Caller> caller = auth.caller(ctx);
    if (caller.isEmpty() || !caller.get().restricted() || auth.via(ctx) != HubAuth.Via.TOKEN) return;
    HandlerType method = ctx.method() == HandlerType.HEAD ? HandlerType.GET : ctx.method();
    for (Rule rule : RULES) {
      if (rule.method() != method) continue;
      Matcher m = rule.path().matcher(ctx.path());
      if (!m.matches()) continue;
      if (rule.scope().isEmpty()) return;
      if (m.groupCount() == 0 && LISTS_FILTERED_BY_ROUTE.contains(rule.scope())
          && caller.get().scopes().stream().anyMatch(s -> s.startsWith(rule.scope() + "!"))) {
        return; // a filtered list scope: the route lists only what the filter covers
      }
      String user = m.groupCount() >= 1 ? m.group(1) : null;
      String server = m.groupCount() >= 2 ? m.group(2) : null;
      if (Scopes.allows(caller.get().scopes(), rule.scope(), user, server, auth::groupsOf)) return;
      throw new ForbiddenException("this token's scopes do not include " + rule.scope()
          + (user == null ? "" : "!user=" + user) + " (it has: " + String.join(" ", caller.get().scopes()) + ")");
    }
    throw new ForbiddenException("this token's scopes (" + String.join(" ", caller.get().scopes())
        + ") do not allow " + method + " " + ctx.path() + ": use a token with the owner's full rights");
  }
}
