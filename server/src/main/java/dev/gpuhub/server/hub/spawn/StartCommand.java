package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.hub.ServerId;
import dev.gpuhub.server.workload.WorkloadTls;
import java.util.Arrays;
import java.util.List;

/**
 * How a server's image starts: {@link #SINGLEUSER}, JupyterHub's single-user server
 * ({@code jupyterhub-singleuser} with JupyterHub's environment: OAuth, activity reports, HTTPS with
 * the certificate the hub issues), or a command template for images without hub integration, whose
 * {@code {ip}}, {@code {port}}, {@code {base_url}}, {@code {token}}, {@code {user}},
 * {@code {certfile}} and {@code {keyfile}} are filled in (the proxy then adds the server's token to
 * every request). The hub's default is {@code GPUHUB_NOTEBOOK_COMMAND}; a declared image may have
 * its own.
 */
public record StartCommand(String command) {
  /** The setting that runs JupyterHub's single-user server. */
  public static final String SINGLEUSER = "singleuser";
  /** What {@link #SINGLEUSER} runs. */
  static final List<String> SINGLEUSER_COMMAND = List.of("jupyterhub-singleuser");
  /** Longest template accepted. */
  public static final int MAX_CHARS = 1000;

  /** @throws IllegalArgumentException for anything but {@link #SINGLEUSER} or a template with {@code {port}} and {@code {base_url}} */
  public StartCommand {
    command = command == null ? "" : command.strip();
    if (command.length() > MAX_CHARS) {
      throw new IllegalArgumentException("a start command is at most " + MAX_CHARS + " characters");
    }
    if (!command.equals(SINGLEUSER) && (!command.contains("{port}") || !command.contains("{base_url}"))) {
      throw new IllegalArgumentException("must be '" + SINGLEUSER + "' (JupyterHub's single-user server) or a template"
          + " containing {port} and {base_url} (the token is passed as JUPYTER_TOKEN; add {token} only if the server"
          + " cannot read it from there)");
    }
  }

  /** Whether it runs {@code jupyterhub-singleuser} rather than a template. */
  public boolean singleUser() {
    return command.equals(SINGLEUSER);
  }

  /**
   * Whether the server serves HTTPS with the certificate the hub issues (single-user mode, or a
   * template that names {@code {certfile}} and {@code {keyfile}}); otherwise the hub speaks plain
   * HTTP to it.
   */
  public boolean servesTls() {
    return singleUser() || command.contains("{certfile}") && command.contains("{keyfile}");
  }

  /** The command of {@code server} listening on {@code port}, split into arguments after the placeholders are filled. */
  List<String> commandFor(int port, ServerId server, String token) {
    return singleUser() ? SINGLEUSER_COMMAND : fill(command, port, server.user(), token, server.prefix());
  }

  static List<String> fill(String template, int port, String user, String token, String baseUrl) {
    String filled = template.replace("{ip}", SpawnerConfig.LISTEN_ADDRESS).replace("{port}", Integer.toString(port))
        .replace("{base_url}", baseUrl).replace("{token}", token).replace("{user}", user)
        .replace("{certfile}", WorkloadTls.certPath()).replace("{keyfile}", WorkloadTls.keyPath());
    return Arrays.stream(filled.trim().split("\\s+")).toList();
  }
}
