package dev.gpuhub.server.hub.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.store.HubServerRecord;
import dev.gpuhub.store.HubServerState;
import dev.gpuhub.store.HubTokenRecord;
import dev.gpuhub.store.HubUserRecord;
import dev.gpuhub.wire.WireJson;
import java.time.Instant;
import java.util.List;

/** JupyterHub's JSON shapes of users and tokens (the fields this hub has). */
final class UserJson {
  private UserJson() {}

  /**
   * JupyterHub's user model: {@code kind, name, admin, groups, created, last_activity, server,
   * pending, servers}, and {@code approved} (false while the user waits for an admin's approval). {@code server} is the URL of the running default server, {@code pending}
   * {@code "spawn"} or {@code "stop"} while it changes, else null.
   */
  static ObjectNode user(HubUserRecord user, List<HubServerRecord> servers) {
    return user(user, servers, List.of());
  }

  /** The user model with the groups the user belongs to. */
  static ObjectNode user(HubUserRecord user, List<HubServerRecord> servers, List<String> groups) {
    ObjectNode n = WireJson.mapper().createObjectNode();
    n.put("kind", "user");
    n.put("name", user.name());
    n.put("admin", user.admin());
    n.put("approved", user.approved());
    groups.forEach(n.putArray("groups")::add);
    n.put("created", text(user.createdAt()));
    Instant lastActivity = user.lastLogin();
    ObjectNode named = WireJson.mapper().createObjectNode();
    n.putNull("server");
    n.putNull("pending");
    for (HubServerRecord s : servers) {
      if (s.lastActivity() != null && (lastActivity == null || s.lastActivity().isAfter(lastActivity))) {
        lastActivity = s.lastActivity();
      }
      if (!s.state().mayHoldContainer()) continue;
      named.set(s.name(), server(s));
      if (s.name().isEmpty()) {
        if (s.state() == HubServerState.RUNNING) n.put("server", s.urlPath());
        else n.put("pending", pending(s.state()));
      }
    }
    n.put("last_activity", text(lastActivity));
    n.set("servers", named);
    return n;
  }

  private static ObjectNode server(HubServerRecord s) {
    ObjectNode n = WireJson.mapper().createObjectNode();
    n.put("name", s.name());
    n.put("ready", s.state() == HubServerState.RUNNING);
    if (s.state() == HubServerState.RUNNING) n.putNull("pending");
    else n.put("pending", pending(s.state()));
    n.put("url", s.urlPath());
    n.put("started", text(s.startedAt()));
    n.put("last_activity", text(s.lastActivity()));
    n.put("profile", s.profileName());
    n.put("image", s.image());
    n.put("node", s.primaryHostname());
    return n;
  }

  private static String pending(HubServerState state) {
    return state == HubServerState.STOPPING ? "stop" : "spawn";
  }

  /** JupyterHub's group model: {@code kind, name, users, roles, properties}. */
  static ObjectNode group(dev.gpuhub.store.HubGroupRecord group) {
    ObjectNode n = WireJson.mapper().createObjectNode();
    n.put("kind", "group");
    n.put("name", group.name());
    group.users().forEach(n.putArray("users")::add);
    n.putArray("roles");
    n.putObject("properties");
    return n;
  }

  /** JupyterHub's token model, without the token. */
  /** How the note of a token issued by the OAuth provider begins; the client id follows. */
  static final String OAUTH_NOTE = "OAuth: ";

  static ObjectNode token(HubTokenRecord t, String owner) {
    ObjectNode n = WireJson.mapper().createObjectNode();
    n.put("kind", "api_token");
    n.put("id", String.valueOf(t.id()));
    n.put("user", owner);
    n.put("note", t.note());
    n.put("created", text(t.createdAt()));
    n.put("expires_at", text(t.expiresAt()));
    n.put("last_activity", text(t.lastUsed()));
    var scopes = n.putArray("scopes");
    java.util.List<String> list = Scopes.parse(t.scopes());
    (list == null ? java.util.List.of(Scopes.INHERIT) : list).forEach(scopes::add);
    // the rest of JupyterHub 3's token model: deprecated roles, no session, and the OAuth client
    // the token was issued to (a server's client for OAuth logins, the hub itself otherwise)
    n.putArray("roles");
    n.putNull("session_id");
    String note = t.note();
    n.put("oauth_client", note != null && note.startsWith(OAUTH_NOTE) ? note.substring(OAUTH_NOTE.length()) : "JupyterHub");
    return n;
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
