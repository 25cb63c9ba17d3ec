package dev.gpuhub.server.hub.auth;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hub API tokens of running servers: what a server finds in {@code JUPYTERHUB_API_TOKEN}, and
 * its OAuth client secret. Such a token is worth {@link Scopes#serverToken} only (report activity,
 * identify users for that server), never its owner's other rights. Kept in memory by SHA-256: the
 * spawner registers a server's token when it starts it and again when it adopts a running server
 * after a restart (the token is derived from the server's own secret), and forgets it when the
 * server stops. Thread-safe.
 */
public final class ServerApiTokens {
  /** Which server a token belongs to ({@code server} empty for the default server). */
  public record ServerRef(String user, String server) {}

  private final Map<String, ServerRef> byHash = new ConcurrentHashMap<>();
  private final Map<ServerRef, String> hashOf = new ConcurrentHashMap<>();
  private final Map<ServerRef, String> callbacks = new ConcurrentHashMap<>();

  /** JupyterHub's OAuth client id of a server: {@code jupyterhub-user-<user>}, {@code -<server>} appended for a named one. */
  public static String clientId(String user, String server) {
    return "jupyterhub-user-" + user + (server.isEmpty() ? "" : "-" + server);
  }

  /**
   * Makes {@code token} the API token of {@code user}'s server {@code server}, replacing an older
   * one; the server is then the OAuth client {@link #clientId} with redirect URI {@code callback}.
   */
  public void register(String user, String server, String token, String callback) {
    ServerRef ref = new ServerRef(user, server);
    callbacks.put(ref, callback);
    String hash = ApiTokens.sha256Hex(token);
    String old = hashOf.put(ref, hash);
    if (old != null && !old.equals(hash)) byHash.remove(old);
    byHash.put(hash, ref);
  }

  /** Forgets the token of {@code user}'s server {@code server}; nothing when there is none. */
  public void forget(String user, String server) {
    String hash = hashOf.remove(new ServerRef(user, server));
    if (hash != null) byHash.remove(hash);
    callbacks.remove(new ServerRef(user, server));
  }

  /** The running server that is OAuth client {@code clientId}. */
  public Optional<ServerRef> client(String clientId) {
    if (clientId == null) return Optional.empty();
    return callbacks.keySet().stream().filter(r -> clientId(r.user(), r.server()).equals(clientId)).findFirst();
  }

  /** The redirect URI registered for a server's OAuth client. */
  public Optional<String> callback(ServerRef ref) {
    return Optional.ofNullable(callbacks.get(ref));
  }

  /** The server whose token has this SHA-256. */
  Optional<ServerRef> find(String tokenHash) {
    return Optional.ofNullable(byHash.get(tokenHash));
  }

  /** Whether {@code token} is the API token of {@code user}'s server {@code server} (OAuth client authentication). */
  public boolean isTokenOf(String user, String server, String token) {
    if (token == null || token.length() > ApiTokens.MAX_TOKEN_CHARS) return false;
    String hash = hashOf.get(new ServerRef(user, server));
    return hash != null && java.security.MessageDigest.isEqual(hash.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        ApiTokens.sha256Hex(token).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }
}
