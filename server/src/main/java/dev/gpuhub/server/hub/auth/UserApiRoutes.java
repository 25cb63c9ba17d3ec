package dev.gpuhub.server.hub.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.server.discovery.NotFoundException;
import dev.gpuhub.store.DuplicateNameException;
import dev.gpuhub.store.HubTokenRecord;
import dev.gpuhub.store.HubUserRecord;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.WireJson;
import dev.gpuhub.server.http.ApiErrors;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Optional;

/**
 * JupyterHub's REST user API under {@code /hub/api} (JSON). Anonymous callers get 403; "self or
 * admin" routes give another non-admin user 403 before saying whether the user exists. Errors:
 * 400 bad body, 404 no such user or token, 409 name taken (via {@link dev.gpuhub.server.http.ApiErrors}).
 */
final class UserApiRoutes {
  /** Longest token lifetime accepted in {@code expires_in}: ten years, in seconds. */
  static final long MAX_EXPIRES_IN_S = 10L * 365 * 24 * 3600;
  /** Longest token note accepted (the store keeps 1,000 characters). */
  static final int MAX_NOTE_CHARS = 1000;

  /** Longest scope list accepted for a token, in characters (what the store keeps). */
  static final int MAX_SCOPES_CHARS = 2000;

  private final HubAuth auth;
  private final UserAccounts accounts;

  UserApiRoutes(HubAuth auth) {
    this.auth = auth;
    this.accounts = auth.accounts();
  }

  void install(JavalinConfig config) {
    var r = config.routes;
    r.get("/hub/api/users", this::listUsers);
    r.post("/hub/api/users", this::createUsers);
    r.get("/hub/api/users/{name}", ctx -> {
      auth.requireUserOrAdmin(ctx, ctx.pathParam("name"));
      json(ctx, 200, model(record(ctx.pathParam("name"))));
    });
    r.post("/hub/api/users/{name}", this::createUser);
    r.patch("/hub/api/users/{name}", this::patchUser);
    r.post("/hub/api/users/{name}/approve", this::approve);
    r.delete("/hub/api/users/{name}", this::deleteUser);
    r.get("/hub/api/users/{name}/tokens", this::listTokens);
    r.post("/hub/api/users/{name}/tokens", this::createToken);
    r.get("/hub/api/users/{name}/tokens/{id}", ctx -> {
      HubUser owner = tokenOwner(ctx);
      json(ctx, 200, UserJson.token(token(ctx, owner), owner.name()));
    });
    r.delete("/hub/api/users/{name}/tokens/{id}", ctx -> {
      HubUser owner = tokenOwner(ctx);
      accounts.deleteToken(owner, token(ctx, owner).id());
      ctx.status(204);
    });
  }

  /** An admin approves a user who signed up under GPUHUB_SIGNUP_APPROVAL: 200 with the user, 404 without one. */
  private void approve(Context ctx) {
    HubUser admin = auth.requireAdmin(ctx);
    String name = ctx.pathParam("name");
    if (!accounts.approve(name)) throw new io.javalin.http.NotFoundResponse("no user '" + name + "'");
    org.slf4j.LoggerFactory.getLogger(UserApiRoutes.class).atInfo().addKeyValue("admin", admin.name())
        .addKeyValue("user", name).log("user approved");
    json(ctx, 200, model(record(name)));
  }

  /** Every user by name, a page at a time ({@link dev.gpuhub.server.http.Paging}: offset, limit, X-Total-Count). */
  private void listUsers(Context ctx) {
    auth.requireAdmin(ctx);
    dev.gpuhub.server.http.Paging page = dev.gpuhub.server.http.Paging.of(ctx);
    java.util.List<HubUserRecord> all = accounts.list();
    var caller = auth.caller(ctx).orElseThrow();
    if (caller.restricted() && !caller.scopes().contains("list:users")) {
      // a filtered token (list:users!group=..., !user=...) lists the users its filters cover
      all = all.stream().filter(u -> Scopes.allows(caller.scopes(), "list:users", u.name(), null, auth::groupsOf)).toList();
    }
    ArrayNode users = WireJson.mapper().createArrayNode();
    for (HubUserRecord u : page.of(all)) users.add(model(u));
    page.total(ctx, all.size());
    json(ctx, 200, users);
  }

  /**
   * JupyterHub's bulk create: {@code {"usernames": [...], "admin": bool}}; existing names are skipped.
   * Every name is checked before any user is created, so a bad one stores nothing.
   */
  private void createUsers(Context ctx) {
    auth.requireAdmin(ctx);
    JsonNode body = ApiBodies.object(ctx, true);
    boolean admin = ApiBodies.bool(body, "admin", false);
    JsonNode names = body.get("usernames");
    if (names == null || !names.isArray() || names.isEmpty()) {
      throw new InvalidPayloadException("usernames", "must be a non-empty list of user names");
    }
    java.util.List<String> wanted = new java.util.ArrayList<>();
    for (JsonNode name : names) {
      if (!name.isTextual()) throw new InvalidPayloadException("usernames", "must hold only strings");
      try {
        wanted.add(Credentials.username(name.textValue()));
      } catch (InvalidCredentialsException e) {
        throw new InvalidPayloadException("usernames", e.getMessage());
      }
    }
    ArrayNode created = WireJson.mapper().createArrayNode();
    for (String name : wanted) {
      if (accounts.record(name).isPresent()) continue;
      created.add(model(accounts.record(accounts.create(name, null, admin).name()).orElseThrow()));
    }
    if (created.isEmpty()) throw new DuplicateNameException("all of these users already exist: " + names);
    json(ctx, 201, created);
  }

  private void createUser(Context ctx) {
    auth.requireAdmin(ctx);
    JsonNode body = ApiBodies.object(ctx, false);
    String password = ApiBodies.text(body, "password");
    if (password != null) {
      try {
        Credentials.checkNewPassword(password, null);
      } catch (InvalidCredentialsException e) {
        throw new InvalidPayloadException("password", e.getMessage());
      }
    }
    HubUser user = accounts.create(ctx.pathParam("name"), password, ApiBodies.bool(body, "admin", false));
    json(ctx, 201, model(record(user.name())));
  }

  private void patchUser(Context ctx) {
    auth.requireAdmin(ctx);
    String name = ctx.pathParam("name");
    JsonNode body = ApiBodies.object(ctx, true);
    if (body.has("name") && !Credentials.normalize(body.get("name").asText()).equals(Credentials.normalize(name))) {
      throw new InvalidPayloadException("name", "cannot change: renaming users is not supported");
    }
    if (!body.hasNonNull("admin")) throw new InvalidPayloadException("admin", "is required: send true or false");
    accounts.setAdmin(name, ApiBodies.bool(body, "admin", false)).orElseThrow(() -> noSuchUser(name));
    json(ctx, 200, model(record(name)));
  }

  private void deleteUser(Context ctx) {
    auth.requireAdmin(ctx);
    String name = ctx.pathParam("name");
    if (!accounts.delete(name)) throw noSuchUser(name);
    ctx.status(204);
  }

  private void listTokens(Context ctx) {
    HubUser owner = tokenOwner(ctx);
    ObjectNode body = WireJson.mapper().createObjectNode();
    ArrayNode api = body.putArray("api_tokens");
    for (HubTokenRecord t : accounts.tokens(owner)) api.add(UserJson.token(t, owner.name()));
    body.putArray("oauth_tokens");
    json(ctx, 200, body);
  }

  /** {@code {"note": "...", "expires_in": seconds}}, both optional; answers the token once. */
  private void createToken(Context ctx) {
    HubUser owner = tokenOwner(ctx);
    JsonNode body = ApiBodies.object(ctx, false);
    String note = ApiBodies.text(body, "note");
    if (note != null && note.length() > MAX_NOTE_CHARS) {
      throw new InvalidPayloadException("note", "is " + note.length() + " characters long; at most " + MAX_NOTE_CHARS
          + " are allowed");
    }
    Long expiresIn = ApiBodies.positiveLong(body, "expires_in", MAX_EXPIRES_IN_S);
    String scopes = scopes(body, owner, auth.caller(ctx).orElseThrow());
    UserAccounts.IssuedToken issued = accounts.createToken(owner,
        note == null ? "Requested via api by user " + auth.requireUser(ctx).name() : note,
        expiresIn == null ? null : Duration.ofSeconds(expiresIn), scopes);
    ObjectNode model = UserJson.token(issued.record(), owner.name());
    model.put("token", issued.token());
    json(ctx, 201, model);
  }

  /**
   * The {@code scopes} of a new token (JupyterHub's field; {@code roles: ["token"]} or none means
   * {@code inherit}), each one checked, and none beyond what the owner and the caller have: 400
   * names the unknown or excess scope. Null for inherit.
   */
  private static String scopes(JsonNode body, HubUser owner, HubAuth.Caller caller) {
    JsonNode list = body == null ? null : body.get("scopes");
    if (list == null || list.isNull()) {
      if (caller.restricted()) {
        throw new InvalidPayloadException("scopes", "are required: a token with limited scopes cannot make one"
            + " with its owner's full rights");
      }
      return null;
    }
    if (!list.isArray()) throw new InvalidPayloadException("scopes", "must be a list of scope names");
    java.util.List<String> wanted = new java.util.ArrayList<>();
    for (JsonNode s : list) {
      if (!s.isTextual()) throw new InvalidPayloadException("scopes", "must hold only strings");
      try {
        wanted.add(Scopes.check(s.textValue()));
      } catch (IllegalArgumentException e) {
        throw new InvalidPayloadException("scopes", e.getMessage());
      }
    }
    java.util.Set<String> owners = Scopes.ofUser(owner.name(), owner.admin());
    for (String s : wanted) {
      if (s.equals(Scopes.INHERIT) && caller.restricted()) {
        throw new InvalidPayloadException("scopes", "'inherit' exceeds this token's own scopes");
      }
      java.util.Set<String> expanded = Scopes.forToken(java.util.List.of(s), owner.name(), owner.admin());
      if (!s.equals(Scopes.INHERIT) && !s.equals(Scopes.SELF) && !Scopes.covers(owners, s)) {
        throw new InvalidPayloadException("scopes", "'" + s + "' is more than user '" + owner.name() + "' has");
      }
      for (String e : expanded) {
        if (!Scopes.covers(caller.scopes(), e)) {
          throw new InvalidPayloadException("scopes", "'" + s + "' is more than the caller's own rights");
        }
      }
    }
    String joined = String.join(" ", wanted);
    if (joined.length() > MAX_SCOPES_CHARS) {
      throw new InvalidPayloadException("scopes", "are " + joined.length() + " characters; at most " + MAX_SCOPES_CHARS);
    }
    return joined;
  }

  /** The user named in the path, when the caller is that user or an admin. */
  private HubUser tokenOwner(Context ctx) {
    String name = ctx.pathParam("name");
    auth.requireUserOrAdmin(ctx, name);
    return accounts.find(name).orElseThrow(() -> noSuchUser(name));
  }

  /** The owner's token named in the path ({@code 42} or JupyterHub's {@code a42}). */
  private HubTokenRecord token(Context ctx, HubUser owner) {
    String raw = ctx.pathParam("id");
    String digits = raw.startsWith("a") ? raw.substring(1) : raw;
    Optional<HubTokenRecord> found = Optional.empty();
    if (!digits.isEmpty() && digits.length() < 19 && digits.chars().allMatch(Character::isDigit)) {
      long id = Long.parseLong(digits);
      found = accounts.tokens(owner).stream().filter(t -> t.id() == id).findFirst();
    }
    return found.orElseThrow(() -> new NotFoundException("user '" + owner.name() + "' has no token '"
        + raw + "': list them at GET /hub/api/users/" + owner.name() + "/tokens"));
  }

  HubUserRecord record(String name) {
    return accounts.record(name).orElseThrow(() -> noSuchUser(name));
  }

  ObjectNode model(HubUserRecord user) {
    return UserJson.user(user, auth.repository().serversOf(user.id()), auth.repository().groupsOf(user.name()));
  }

  static NotFoundException noSuchUser(String name) {
    return new NotFoundException("no user named '" + Credentials.normalize(name) + "'");
  }

  private static void json(Context ctx, int status, JsonNode body) {
    ApiErrors.send(ctx, status, body);
  }
}
