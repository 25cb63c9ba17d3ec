package dev.gpuhub.server.hub.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.gpuhub.server.discovery.NotFoundException;
import dev.gpuhub.server.http.ApiErrors;
import dev.gpuhub.server.http.Paging;
import dev.gpuhub.store.DuplicateNameException;
import dev.gpuhub.store.HubGroupRecord;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.WireJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JupyterHub's group API under {@code /hub/api/groups}, for administrators (scope
 * {@code admin:groups}): list (paged), create one or several, read, delete, add and remove
 * members. Models: {@code {kind: "group", name, users, roles: [], properties: {}}}. A user model's
 * {@code groups} lists the user's groups. Bad names or members are 400 naming the field; nothing is
 * written then. Deleting a group never deletes its users.
 */
final class GroupRoutes {
  /** Group names: letters, digits, '.', '_', '-', 1 to 64 characters (they appear in paths and scopes). */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  /** Most names in one request. */
  static final int MAX_NAMES = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(GroupRoutes.class);

  private final HubAuth auth;

  GroupRoutes(HubAuth auth) {
    this.auth = auth;
  }

  void install(JavalinConfig config) {
    var r = config.routes;
    r.get("/hub/api/groups", this::list);
    r.post("/hub/api/groups", this::createSeveral);
    r.get("/hub/api/groups/{name}", ctx -> {
      auth.requireAdmin(ctx);
      ApiErrors.send(ctx, 200, UserJson.group(group(ctx.pathParam("name"))));
    });
    r.post("/hub/api/groups/{name}", this::createOne);
    r.delete("/hub/api/groups/{name}", ctx -> {
      HubUser admin = auth.requireAdmin(ctx);
      String name = ctx.pathParam("name");
      if (!auth.repository().deleteGroup(name)) throw noSuchGroup(name);
      LOG.atInfo().addKeyValue("group", name).addKeyValue("by", admin.name()).log("group deleted");
      ctx.status(204);
    });
    r.post("/hub/api/groups/{name}/users", ctx -> members(ctx, true));
    r.delete("/hub/api/groups/{name}/users", ctx -> members(ctx, false));
  }

  private void list(Context ctx) {
    auth.requireAdmin(ctx);
    Paging page = Paging.of(ctx);
    List<HubGroupRecord> all = auth.repository().groups();
    ArrayNode out = WireJson.mapper().createArrayNode();
    for (HubGroupRecord g : page.of(all)) out.add(UserJson.group(g));
    page.total(ctx, all.size());
    ApiErrors.send(ctx, 200, out);
  }

  /** JupyterHub's {@code {"groups": [names], "users"?: [names]}}: every group made, with the same members. */
  private void createSeveral(Context ctx) {
    HubUser admin = auth.requireAdmin(ctx);
    JsonNode body = ApiBodies.object(ctx, true);
    List<String> names = names(body, "groups", true);
    for (String n : names) checkName(n, "groups");
    List<String> users = users(body);
    for (String n : names) {
      if (auth.repository().group(n).isPresent()) throw new DuplicateNameException("group '" + n + "' already exists");
    }
    ArrayNode out = WireJson.mapper().createArrayNode();
    for (String n : names) out.add(UserJson.group(create(n, users, admin)));
    ApiErrors.send(ctx, 201, out);
  }

  private void createOne(Context ctx) {
    HubUser admin = auth.requireAdmin(ctx);
    String name = ctx.pathParam("name");
    checkName(name, "name");
    JsonNode body = ApiBodies.object(ctx, false);
    ApiErrors.send(ctx, 201, UserJson.group(create(name, body == null ? List.of() : users(body), admin)));
  }

  private HubGroupRecord create(String name, List<String> users, HubUser admin) {
    HubGroupRecord made = auth.repository().createGroup(name, users);
    LOG.atInfo().addKeyValue("group", name).addKeyValue("users", users).addKeyValue("by", admin.name()).log("group created");
    return made;
  }

  private void members(Context ctx, boolean add) {
    HubUser admin = auth.requireAdmin(ctx);
    String name = ctx.pathParam("name");
    JsonNode body = ApiBodies.object(ctx, true);
    List<String> users = names(body, "users", true);
    checkUsers(users);
    HubGroupRecord changed = auth.repository().changeGroupMembers(name, users, add).orElseThrow(() -> noSuchGroup(name));
    LOG.atInfo().addKeyValue("group", name).addKeyValue(add ? "added" : "removed", users).addKeyValue("by", admin.name())
        .log("group members changed");
    auth.forgetTokens();
    ApiErrors.send(ctx, 200, UserJson.group(changed));
  }

  private List<String> users(JsonNode body) {
    List<String> users = names(body, "users", false);
    checkUsers(users);
    return users;
  }

  /** Every name must be an existing user, written as the hub writes it. */
  private void checkUsers(List<String> users) {
    for (String u : users) {
      if (!Credentials.isValidUsername(u) || !u.equals(Credentials.normalize(u)) || auth.accounts().find(u).isEmpty()) {
        throw new InvalidPayloadException("users", "no user named '" + u + "'");
      }
    }
  }

  private static List<String> names(JsonNode body, String field, boolean required) {
    JsonNode list = body == null ? null : body.get(field);
    if (list == null || list.isNull()) {
      if (required) throw new InvalidPayloadException(field, "is required: a list of names");
      return List.of();
    }
    if (!list.isArray()) throw new InvalidPayloadException(field, "must be a list of names");
    if (list.size() > MAX_NAMES) throw new InvalidPayloadException(field, "holds " + list.size() + " names; at most " + MAX_NAMES);
    Set<String> out = new LinkedHashSet<>();
    for (JsonNode n : list) {
      if (!n.isTextual()) throw new InvalidPayloadException(field, "must hold only strings");
      out.add(n.textValue());
    }
    if (required && out.isEmpty()) throw new InvalidPayloadException(field, "must name at least one");
    return new ArrayList<>(out);
  }

  private static void checkName(String name, String field) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidPayloadException(field, "'" + name + "' is not a group name: 1 to 64 letters, digits, '.', '_' or '-'");
    }
  }

  private HubGroupRecord group(String name) {
    return auth.repository().group(name).orElseThrow(() -> noSuchGroup(name));
  }

  private static NotFoundException noSuchGroup(String name) {
    return new NotFoundException("no group named '" + name + "'");
  }
}
