package dev.gpuhub.core.hub;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which of a user's Jupyter servers: the default one ({@code name} empty, at {@code /user/<user>/})
 * or a named one (JupyterHub's {@code allow_named_servers}, at {@code /user/<user>/<name>/}).
 *
 * <p>A name is 1 to 32 of {@code a-z 0-9 -}, starting with a letter or digit, and not one of the
 * paths a Jupyter server serves under its own prefix ({@link #RESERVED_NAMES}), so that
 * {@code /user/<user>/<name>/} never hides a page of the default server. User names never hold
 * {@code _} or {@code /}, so {@link #slug()} and {@link #compact()} name one server each.
 */
public record ServerId(String user, String name) implements Comparable<ServerId> {
  /** What a server name may be. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
  /** Path segments Jupyter Server, Notebook and JupyterLab serve under a server's prefix. */
  public static final Set<String> RESERVED_NAMES = Set.of("api", "lab", "tree", "notebooks", "edit", "view", "files",
      "static", "terminals", "kernelspecs", "nbextensions", "custom", "login", "logout", "nbconvert", "doc", "voila",
      "lsp", "proxy", "metrics", "nbclassic", "retro", "consoles", "workspaces", "extensions", "kernelhost", "hub",
      "server", "servers", "user", "debug", "tree-view");

  public ServerId {
    Objects.requireNonNull(user, "user");
    if (user.isEmpty() || user.contains("/") || user.contains("_")) {
      throw new IllegalArgumentException("not a user name: '" + user + "'");
    }
    name = name == null ? "" : name;
    if (!name.isEmpty()) checkName(name);
  }

  /** The user's default server. */
  public static ServerId defaultOf(String user) {
    return new ServerId(user, "");
  }

  /**
   * Checks a server name a user asked for.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a server name is 1 to 32 of a-z, 0-9 and '-', starting with a letter or "
          + "digit; '" + (name == null ? "" : name.length() > 40 ? name.substring(0, 40) + "..." : name)
          + "' is not");
    }
    if (RESERVED_NAMES.contains(name)) {
      throw new IllegalArgumentException("'" + name + "' cannot name a server: /user/<name>/" + name
          + "/ is a path of the default server");
    }
    return name;
  }

  public boolean isDefault() {
    return name.isEmpty();
  }

  /** JupyterHub's form in scope filters ({@code !server=<user>/<name>}): {@code alice/} or {@code alice/gpu}. */
  public String scopeKey() {
    return user + "/" + name;
  }

  /** {@code alice} for the default server, {@code alice/gpu} for a named one: reservation owners, logs. */
  public String compact() {
    return isDefault() ? user : user + "/" + name;
  }

  /** {@code alice} or {@code alice_gpu}: one path segment or container-name part per server. */
  public String slug() {
    return isDefault() ? user : user + "_" + name;
  }

  /** Where the server is served: {@code /user/alice/} or {@code /user/alice/gpu/}. */
  public String prefix() {
    return "/user/" + user + "/" + (isDefault() ? "" : name + "/");
  }

  /** "alice's server" or "alice's server 'gpu'", for messages. */
  public String describe() {
    return user + "'s server" + (isDefault() ? "" : " '" + name + "'");
  }

  /** The server {@link #compact()} names. */
  public static ServerId parseCompact(String compact) {
    int slash = compact.indexOf('/');
    return slash < 0 ? defaultOf(compact) : new ServerId(compact.substring(0, slash), compact.substring(slash + 1));
  }

  /** The server {@link #slug()} names. */
  public static ServerId parseSlug(String slug) {
    int under = slug.indexOf('_');
    return under < 0 ? defaultOf(slug) : new ServerId(slug.substring(0, under), slug.substring(under + 1));
  }

  @Override
  public int compareTo(ServerId o) {
    int byUser = user.compareTo(o.user);
    return byUser != 0 ? byUser : name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return compact();
  }
}
