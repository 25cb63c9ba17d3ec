package dev.gpuhub.server.hub.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.server.http.ApiErrors;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.WireJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

/**
 * What JupyterHub's single-user servers and API clients ask first: {@code GET /hub/api/} (the API
 * version), {@code GET /hub/api/user} (who a token or session is, with its scopes) and
 * {@code POST /hub/api/users/<name>/activity} (a server's activity, for the idle culler). The OAuth
 * provider is {@link OAuthRoutes}.
 */
final class ProtocolRoutes {
  private final HubAuth auth;
  private final UserApiRoutes users;
  private final AuthRoutes.ActivityReports activity;

  ProtocolRoutes(HubAuth auth, UserApiRoutes users, AuthRoutes.ActivityReports activity) {
    this.auth = auth;
    this.users = users;
    this.activity = activity;
  }

  void install(JavalinConfig config) {
    var r = config.routes;
    r.get("/hub/api", this::version);
    r.get("/hub/api/", this::version);
    r.get("/hub/api/user", this::whoAmI);
    r.post("/hub/api/users/{name}/activity", this::activity);
  }

  /** JupyterHub's {@code GET /hub/api/}: the version of the API, anonymous. */
  private void version(Context ctx) {
    ObjectNode body = WireJson.mapper().createObjectNode();
    body.put("version", AuthRoutes.JUPYTERHUB_VERSION);
    ApiErrors.send(ctx, 200, body);
  }

  /**
   * The caller's own model with the rights of the token or session ({@code scopes}, expanded), as
   * JupyterHub answers it: the whole user model when the caller may read it, else kind, name,
   * admin and groups only (a server's token identifies, and does no more).
   */
  private void whoAmI(Context ctx) {
    HubUser user = auth.requireUser(ctx);
    HubAuth.Caller caller = auth.caller(ctx).orElseThrow();
    ObjectNode body;
    if (Scopes.allows(caller.scopes(), "read:users", user.name(), null)) {
      body = users.model(users.record(user.name()));
    } else {
      body = WireJson.mapper().createObjectNode();
      body.put("kind", "user");
      body.put("name", user.name());
      body.put("admin", user.admin());
      auth.repository().groupsOf(user.name()).forEach(body.putArray("groups")::add);
    }
    ArrayNode scopes = body.putArray("scopes");
    caller.scopes().forEach(scopes::add);
    ApiErrors.send(ctx, 200, body);
  }

  /**
   * JupyterHub's activity report: {@code {"last_activity": iso, "servers": {"<server>": {"last_activity": iso}}}}.
   * The caller must hold {@code users:activity} for the user (a server's own token does); times in
   * the future count as now. 204 when taken; 400 naming the field otherwise.
   */
  private void activity(Context ctx) {
    String name = ctx.pathParam("name");
    HubUser caller = auth.requireUser(ctx);
    if (!Scopes.allows(auth.caller(ctx).orElseThrow().scopes(), "users:activity", name, null, auth::groupsOf)) {
      throw new ForbiddenException("user '" + caller.name() + "' may not report activity of '" + name + "'");
    }
    HubUser user = auth.accounts().find(name).orElseThrow(() -> UserApiRoutes.noSuchUser(name));
    JsonNode body = ApiBodies.object(ctx, true);
    java.time.Instant now = java.time.Instant.now();
    java.util.Map<String, java.time.Instant> servers = new java.util.LinkedHashMap<>();
    JsonNode named = body.get("servers");
    if (named != null && !named.isNull()) {
      if (!named.isObject()) throw new InvalidPayloadException("servers", "must be an object of server name to {last_activity}");
      var fields = named.fields();
      while (fields.hasNext()) {
        var e = fields.next();
        JsonNode at = e.getValue().get("last_activity");
        if (at == null || !at.isTextual()) {
          throw new InvalidPayloadException("servers", "server '" + e.getKey() + "' needs last_activity, an ISO 8601 time");
        }
        servers.put(e.getKey(), instant(at, "servers"));
      }
    }
    if (body.has("last_activity")) instant(body.get("last_activity"), "last_activity");
    else if (servers.isEmpty()) throw new InvalidPayloadException("last_activity", "is required (an ISO 8601 time)");
    servers.forEach((server, at) -> activity.report(user.name(), server, at.isAfter(now) ? now : at));
    ctx.status(204);
  }

  private static java.time.Instant instant(JsonNode value, String field) {
    if (value == null || !value.isTextual()) throw new InvalidPayloadException(field, "must be an ISO 8601 time");
    try {
      return java.time.OffsetDateTime.parse(value.textValue()).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      try {
        return java.time.LocalDateTime.parse(value.textValue()).toInstant(java.time.ZoneOffset.UTC); // JupyterHub sends naive UTC too
      } catch (java.time.format.DateTimeParseException e2) {
        throw new InvalidPayloadException(field, "is not an ISO 8601 time: '" + value.textValue() + "'");
      }
    }
  }

}
