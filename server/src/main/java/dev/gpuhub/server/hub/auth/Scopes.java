package dev.gpuhub.server.hub.auth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * JupyterHub's RBAC scopes, the subset this hub supports. Pure: no I/O.
 *
 * <p>A scope is a name, optionally narrowed by one filter: {@code name!user=<user>},
 * {@code name!server=<user>/<server>} ({@code <server>} empty for the default server) or
 * {@code name!group=<group>} (the users who are members of that group, as they are at each check). A name
 * implies its subscopes (JupyterHub's table: {@code admin:users} implies {@code users}, which
 * implies {@code read:users} and {@code users:activity}, ...). Two metascopes: {@code self}, a
 * user's own rights, and {@code inherit}, every right of a token's owner.
 *
 * <p>An <em>expanded</em> set holds no metascopes and every implied subscope, so a check is a set
 * lookup ({@link #allows}). A token's rights are its scopes intersected with its owner's
 * ({@link #forToken}): a token never exceeds its owner.
 */
public final class Scopes {
  /** Every right of a token's owner. */
  public static final String INHERIT = "inherit";
  /** A user's own resources. */
  public static final String SELF = "self";

  /** Supported scope names and the subscopes each implies (JupyterHub 3.0's table, this subset). */
  private static final Map<String, List<String>> SUBSCOPES = new LinkedHashMap<>();

  static {
    SUBSCOPES.put("admin-ui", List.of());
    SUBSCOPES.put("admin:users", List.of("users", "delete:users"));
    SUBSCOPES.put("users", List.of("read:users", "list:users", "users:activity"));
    SUBSCOPES.put("delete:users", List.of());
    SUBSCOPES.put("list:users", List.of("read:users:name"));
    SUBSCOPES.put("read:users", List.of("read:users:name", "read:users:groups", "read:users:activity"));
    SUBSCOPES.put("read:users:name", List.of());
    SUBSCOPES.put("read:users:groups", List.of());
    SUBSCOPES.put("read:users:activity", List.of());
    SUBSCOPES.put("users:activity", List.of("read:users:activity"));
    SUBSCOPES.put("admin:servers", List.of("servers"));
    SUBSCOPES.put("servers", List.of("read:servers", "delete:servers"));
    SUBSCOPES.put("read:servers", List.of("read:users:name"));
    SUBSCOPES.put("delete:servers", List.of());
    SUBSCOPES.put("access:servers", List.of());
    SUBSCOPES.put("tokens", List.of("read:tokens"));
    SUBSCOPES.put("read:tokens", List.of());
    SUBSCOPES.put("admin:groups", List.of("groups", "delete:groups"));
    SUBSCOPES.put("groups", List.of("read:groups", "list:groups"));
    SUBSCOPES.put("read:groups", List.of("read:groups:name"));
    SUBSCOPES.put("list:groups", List.of("read:groups:name"));
    SUBSCOPES.put("read:groups:name", List.of());
    SUBSCOPES.put("delete:groups", List.of());
    SUBSCOPES.put("read:hub", List.of());
    SUBSCOPES.put("read:metrics", List.of());
  }

  /** What {@code self} means for a user: JupyterHub's list, filtered to that user. */
  private static final List<String> SELF_SCOPES = List.of("read:users", "users:activity", "servers", "tokens",
      "access:servers");

  /**
   * An administrator's rights: JupyterHub's admin role without {@code access:servers}, since this hub
   * lets an admin into another user's server only through a confirmed, logged access step.
   */
  private static final List<String> ADMIN_SCOPES = List.of("admin-ui", "admin:users", "admin:servers", "tokens",
      "admin:groups", "read:hub", "read:metrics");

  /** The scopes a server's own API token carries: report activity, be reached; nothing else. */
  public static List<String> serverToken(String user, String server) {
    return List.of("users:activity!user=" + user, "access:servers!server=" + user + "/" + server);
  }

  private Scopes() {}

  /** The supported scope names (metascopes included), for error messages and documentation. */
  public static List<String> names() {
    List<String> names = new ArrayList<>(List.of(SELF, INHERIT));
    names.addAll(SUBSCOPES.keySet());
    return names;
  }

  /**
   * Checks one requested scope and returns it as given.
   *
   * @throws IllegalArgumentException naming what is wrong: an unknown name, an unknown filter, a
   *                                  filter on a metascope, or a malformed user or server
   */
  public static String check(String scope) {
    if (scope == null || scope.isBlank()) throw new IllegalArgumentException("a scope must not be empty");
    int bang = scope.indexOf('!');
    String name = bang < 0 ? scope : scope.substring(0, bang);
    if (name.equals(SELF) || name.equals(INHERIT)) {
      if (bang >= 0) throw new IllegalArgumentException("'" + name + "' takes no filter: '" + scope + "'");
      return scope;
    }
    if (!SUBSCOPES.containsKey(name)) {
      throw new IllegalArgumentException("unknown scope '" + name + "'; this hub supports " + String.join(", ", names()));
    }
    if (bang < 0) return scope;
    String filter = scope.substring(bang + 1);
    if (filter.startsWith("user=")) {
      requireUserName(filter.substring(5), scope);
    } else if (filter.startsWith("server=")) {
      String target = filter.substring(7);
      int slash = target.indexOf('/');
      if (slash < 0) throw new IllegalArgumentException("'" + scope + "': a server filter is user/server");
      requireUserName(target.substring(0, slash), scope);
    } else if (filter.startsWith("group=")) {
      if (!GroupRoutes.NAME.matcher(filter.substring(6)).matches()) {
        throw new IllegalArgumentException("'" + scope + "': '" + filter.substring(6) + "' is not a group name");
      }
    } else {
      throw new IllegalArgumentException("'" + scope + "': filters are !user=<name>, !server=<name>/<server> and"
          + " !group=<group>");
    }
    return scope;
  }

  private static void requireUserName(String name, String scope) {
    if (!Credentials.isValidUsername(name)) {
      throw new IllegalArgumentException("'" + scope + "': '" + name + "' is not a user name");
    }
  }

  /** The expanded rights of a user: their own resources, and the administrator's rights for an admin. */
  public static Set<String> ofUser(String user, boolean admin) {
    Set<String> scopes = new TreeSet<>();
    for (String s : SELF_SCOPES) addExpanded(scopes, s + "!user=" + user);
    if (admin) for (String s : ADMIN_SCOPES) addExpanded(scopes, s);
    return scopes;
  }

  /**
   * The expanded rights of a token of {@code user}: the user's own when {@code tokenScopes} is null
   * or holds {@code inherit}; else the token's scopes ({@code self} resolved) intersected with the
   * owner's, each kept as narrow as the narrower of the two.
   */
  public static Set<String> forToken(Collection<String> tokenScopes, String user, boolean admin) {
    Set<String> owner = ofUser(user, admin);
    if (tokenScopes == null || tokenScopes.contains(INHERIT)) return owner;
    Set<String> requested = new TreeSet<>();
    for (String s : tokenScopes) {
      if (s.equals(SELF)) requested.addAll(ofUser(user, false));
      else addExpanded(requested, s);
    }
    Set<String> granted = new TreeSet<>();
    for (String s : requested) {
      if (covers(owner, s)) {
        granted.add(s);
      } else if (s.indexOf('!') < 0) { // unfiltered wish, filtered right: keep the owner's narrower ones
        for (String o : owner) if (o.startsWith(s + "!")) granted.add(o);
      } else if (s.contains("!user=")) { // a user filter the owner has only for some servers
        String server = "!server=" + s.substring(s.indexOf("!user=") + 6) + "/";
        String name = s.substring(0, s.indexOf('!'));
        for (String o : owner) if (o.startsWith(name + server)) granted.add(o);
      }
    }
    return granted;
  }

  /**
   * Whether an expanded set grants scope {@code name} on user {@code user}'s server {@code server}
   * (either may be null when the scope is not about one): unfiltered, filtered to the user, or
   * filtered to that server.
   */
  public static boolean allows(Set<String> expanded, String name, String user, String server) {
    return allows(expanded, name, user, server, u -> List.of());
  }

  /**
   * As {@link #allows(Set, String, String, String)}, and also by a group filter on a group
   * {@code user} is a member of ({@code groupsOf}, asked only when the set has such a filter).
   */
  public static boolean allows(Set<String> expanded, String name, String user, String server,
                               java.util.function.Function<String, ? extends Collection<String>> groupsOf) {
    if (expanded.contains(name)) return true;
    if (user == null) return false;
    if (expanded.contains(name + "!user=" + user)) return true;
    if (server != null && expanded.contains(name + "!server=" + user + "/" + server)) return true;
    String byGroup = name + "!group=";
    if (expanded.stream().noneMatch(s -> s.startsWith(byGroup))) return false;
    return groupsOf.apply(user).stream().anyMatch(g -> expanded.contains(byGroup + g));
  }

  /** Whether {@code have} covers the single filtered or unfiltered scope {@code wanted}. */
  static boolean covers(Set<String> have, String wanted) {
    int bang = wanted.indexOf('!');
    if (bang < 0) return have.contains(wanted);
    String name = wanted.substring(0, bang);
    String filter = wanted.substring(bang + 1);
    if (filter.startsWith("user=")) return allows(have, name, filter.substring(5), null);
    if (filter.startsWith("group=")) return have.contains(name) || have.contains(wanted);
    String target = filter.substring(7);
    int slash = target.indexOf('/');
    return allows(have, name, target.substring(0, slash), target.substring(slash + 1));
  }

  /** Adds {@code scope} and every subscope it implies, each with the same filter. */
  private static void addExpanded(Set<String> into, String scope) {
    int bang = scope.indexOf('!');
    String name = bang < 0 ? scope : scope.substring(0, bang);
    String filter = bang < 0 ? "" : scope.substring(bang);
    if (!into.add(name + filter)) return;
    for (String sub : SUBSCOPES.getOrDefault(name, List.of())) addExpanded(into, sub + filter);
  }

  /** Splits a stored scope list (names separated by spaces); null stays null (inherit). */
  public static List<String> parse(String stored) {
    if (stored == null) return null;
    List<String> list = new ArrayList<>();
    for (String s : stored.trim().split("\\s+")) if (!s.isEmpty()) list.add(s);
    return list;
  }
}
