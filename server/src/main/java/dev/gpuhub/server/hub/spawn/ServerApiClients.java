package dev.gpuhub.server.hub.spawn;

/**
 * Where the spawner tells the hub which servers speak JupyterHub's single-user protocol: each
 * such server's API token (its OAuth client secret) and OAuth callback, from before its start until
 * it stops. Implemented by the hub's authentication ({@link dev.gpuhub.server.hub.auth.ServerApiTokens}).
 */
public interface ServerApiClients {
  /** Nothing is registered (servers run a command template). */
  ServerApiClients NONE = new ServerApiClients() {
    @Override
    public void register(String user, String server, String apiToken, String oauthCallback) { }

    @Override
    public void forget(String user, String server) { }
  };

  /** {@code user}'s server {@code server} ("" for the default) holds {@code apiToken} and is sent browsers back at {@code oauthCallback}. */
  void register(String user, String server, String apiToken, String oauthCallback);

  /** The server stopped: its token and OAuth client stop working. */
  void forget(String user, String server);
}
