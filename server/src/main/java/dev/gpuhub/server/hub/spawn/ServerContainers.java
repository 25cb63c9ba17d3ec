package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.server.workload.Homes;
import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.server.workload.Labels;
import dev.gpuhub.server.workload.WorkloadTls;
import dev.gpuhub.wire.node.ContainerRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What each container of a user's server is started with: names, commands, environment, labels
 * and limits of the Jupyter server, its kernel hosts and its workers. Pure: no I/O.
 */
final class ServerContainers {
  /** Where Jupyter reads its token ({@code NotebookApp.token}/{@code ServerApp.token}). */
  static final String JUPYTER_TOKEN_ENV = "JUPYTER_TOKEN";
  /** Where Jupyter's gateway client reads the token it presents to the hub's kernel gateway. */
  static final String GATEWAY_TOKEN_ENV = "JUPYTER_GATEWAY_AUTH_TOKEN";
  private final SpawnerConfig config;
  private final WorkloadTls tls;
  /** The hub's origin as browsers see it ("" when servers share it, under /user/). */
  private volatile String hubOrigin = "";
  /** A user's server's origin as browsers see it ("" when it is the hub's own). */
  private volatile java.util.function.UnaryOperator<String> serverOrigin = user -> "";

  /**
   * With per-user subdomains, where browsers find the hub ({@code JUPYTERHUB_HOST}) and each user's
   * server (the OAuth callback is then absolute, on the server's own origin).
   */
  void origins(String hubOrigin, java.util.function.UnaryOperator<String> serverOrigin) {
    this.hubOrigin = hubOrigin;
    this.serverOrigin = serverOrigin;
  }

  ServerContainers(SpawnerConfig config, WorkloadTls tls) {
    this.config = config;
    this.tls = tls;
  }

  /** The container name of a user's server: {@code gpuhub-alice}, {@code gpuhub-alice_gpu} for a named one. */
  static String name(dev.gpuhub.core.hub.ServerId id) {
    return "gpuhub-" + id.slug();
  }

  /** The reservation owner of a user's server: {@code server:alice}, {@code server:alice/gpu} for a named one. */
  static String owner(dev.gpuhub.core.hub.ServerId id) {
    return Labels.SERVER_OWNER + id.compact();
  }

  /** The server a reservation owner of {@link #owner} names; empty for other owners. */
  static java.util.Optional<dev.gpuhub.core.hub.ServerId> serverOf(String owner) {
    if (owner == null || !owner.startsWith(Labels.SERVER_OWNER)) return java.util.Optional.empty();
    try {
      return java.util.Optional.of(dev.gpuhub.core.hub.ServerId.parseCompact(owner.substring(Labels.SERVER_OWNER.length())));
    } catch (IllegalArgumentException e) {
      return java.util.Optional.empty();
    }
  }

  /** The server a container's labels say it belongs to; empty without a valid user label. */
  static java.util.Optional<dev.gpuhub.core.hub.ServerId> serverOf(Map<String, String> labels) {
    String user = labels.get(Labels.USER);
    if (user == null) return java.util.Optional.empty();
    try {
      return java.util.Optional.of(new dev.gpuhub.core.hub.ServerId(user, labels.get(Labels.SERVER_NAME)));
    } catch (IllegalArgumentException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * The user's Jupyter server on the primary node. {@code gatewayUrl} and {@code gatewayToken} are
   * set for a server whose kernels run on kernel hosts; {@code workerMode}/{@code workerPort} for a
   * worker-mode server, whose head runs beside Jupyter.
   */
  ContainerRequest server(ActiveServer.Snapshot s, StartCommand start, WorkloadTls serverTls, Profile profile,
                          List<String> gpus, String hubUrl, String gatewayUrl, String gatewayToken, WorkerMode workerMode,
                          Integer workerPort) {
    Map<String, String> env = env(s.primaryHostname(), s.user(), s.token());
    env.put("GPUHUB_PORT", Integer.toString(s.port()));
    env.put("GPUHUB_SERVER_NAME", s.server());
    List<String> command = new ArrayList<>(start.commandFor(s.port(), s.id(), s.token()));
    if (start.singleUser()) {
      env.remove(JUPYTER_TOKEN_ENV); // the server knows its users by OAuth, not by a token the proxy adds
      env.putAll(singleUserEnv(s, hubUrl, serverTls));
    }
    if (gatewayToken != null) { // multi-node: kernels run on the kernel hosts, through the hub's gateway
      env.put(GATEWAY_TOKEN_ENV, gatewayToken);
      String url = gatewayUrl + "/gateway/" + s.id().slug();
      String timeout = Long.toString(Math.max(40, config.startTimeout().toSeconds()));
      if (start.singleUser()) { // the gateway client reads its settings from the environment too
        env.put("JUPYTER_GATEWAY_URL", url);
        env.put("JUPYTER_GATEWAY_REQUEST_TIMEOUT", timeout);
      } else {
        command.add("--GatewayClient.url=" + url);
        command.add("--GatewayClient.request_timeout=" + timeout);
      }
    }
    if (workerMode != null) {
      env.put("GPUHUB_PRIMARY_IP", s.nodeIp());
      env.put("GPUHUB_WORKER_PORT", Integer.toString(workerPort));
      if (workerMode.headCommand() != null) { // the head runs in the primary container, beside Jupyter
        String head = WorkerMode.fill(workerMode.headCommand(), s.nodeIp(), workerPort, s.primaryHostname(), s.user());
        command = new ArrayList<>(List.of("sh", "-c", "(" + head + ") & exec " + String.join(" ", command)));
      }
    }
    List<Integer> ports = workerMode == null ? List.of(s.port()) : List.of(s.port(), workerPort);
    return request(name(s.id()), s, profile, command, env, labels(s, profile, Labels.KIND_SERVER, null, null), gpus,
        ports).withFiles(serverTls.filesFor(name(s.id()), s.nodeIp())).withVolumes(config.homes().mountsFor(s.user()));
  }

  /** A kernel host of a multi-node server. */
  ContainerRequest kernelHost(ActiveServer.Snapshot s, Profile profile, KernelHost host, List<String> gpus) {
    Map<String, String> env = env(host.hostname(), s.user(), host.token());
    env.put("GPUHUB_PORT", Integer.toString(host.port()));
    return request(KernelHost.containerName(s.id(), host.hostname()), s, profile,
        config.commandFor(host.port(), s.user(), host.token(), host.basePath()), env,
        labels(s, profile, Labels.KIND_KERNEL_HOST, host.hostname(), host.port()), gpus, List.of(host.port()))
        .withFiles(tls.filesFor(KernelHost.containerName(s.id(), host.hostname()), host.ip()))
        .withVolumes(config.homes().mountsFor(s.user()));
  }

  /** A worker of a worker-mode server on a secondary node. */
  ContainerRequest worker(ActiveServer.Snapshot s, Profile profile, WorkerMode mode, String hostname, int workerPort,
                          List<String> gpus) {
    Map<String, String> env = new HashMap<>();
    env.put("GPUHUB_NODE", hostname);
    env.put("GPUHUB_USER", s.user());
    env.put("GPUHUB_PRIMARY_IP", s.nodeIp());
    env.put("GPUHUB_WORKER_PORT", Integer.toString(workerPort));
    return request(WorkerMode.containerName(s.id(), hostname), s, profile,
        WorkerMode.shell(mode.workerCommand(), s.nodeIp(), workerPort, hostname, s.user()), env,
        labels(s, profile, Labels.KIND_WORKER, hostname, workerPort), gpus, List.of())
        .withVolumes(config.homes().mountsFor(s.user()));
  }

  /**
   * JupyterHub's environment for {@code jupyterhub-singleuser}: where the hub's API is (reached at
   * {@code hubUrl}), the server's own API token (its OAuth client secret, worth
   * {@code users:activity} and access to this server only), its OAuth client and callback, the
   * scopes a browser's token needs here, where it listens and its TLS files.
   */
  Map<String, String> singleUserEnv(ActiveServer.Snapshot s, String hubUrl, WorkloadTls serverTls) {
    String prefix = s.url();
    Map<String, String> env = new HashMap<>();
    env.put("JUPYTERHUB_API_TOKEN", hubApiToken(s.token()));
    env.put("JUPYTERHUB_CLIENT_ID", dev.gpuhub.server.hub.auth.ServerApiTokens.clientId(s.user(), s.server()));
    env.put("JUPYTERHUB_API_URL", hubUrl + "/hub/api");
    env.put("JUPYTERHUB_ACTIVITY_URL", hubUrl + "/hub/api/users/" + s.user() + "/activity");
    env.put("JUPYTERHUB_ACTIVITY_INTERVAL", Long.toString(activityIntervalSeconds()));
    env.put("JUPYTERHUB_BASE_URL", "/");
    env.put("JUPYTERHUB_HOST", hubOrigin);
    env.put("JUPYTERHUB_SERVICE_PREFIX", prefix);
    env.put("JUPYTERHUB_SERVICE_URL", "http://" + SpawnerConfig.LISTEN_ADDRESS + ":" + s.port() + prefix);
    env.put("JUPYTERHUB_SERVER_NAME", s.server());
    env.put("JUPYTERHUB_OAUTH_CALLBACK_URL", oauthCallback(s.id()));
    String access = "[\"access:servers!server=" + s.id().scopeKey() + "\", \"access:servers!user=" + s.user() + "\"]";
    env.put("JUPYTERHUB_OAUTH_ACCESS_SCOPES", access);
    env.put("JUPYTERHUB_OAUTH_SCOPES", access);
    env.put("JUPYTERHUB_OAUTH_CLIENT_ALLOWED_SCOPES", "[]");
    if (serverTls.on()) {
      env.put("JUPYTERHUB_SSL_CERTFILE", WorkloadTls.certPath());
      env.put("JUPYTERHUB_SSL_KEYFILE", WorkloadTls.keyPath());
    }
    return env;
  }

  /** A server reports activity four times per idle timeout, between 5 s and JupyterHub's 300 s. */
  long activityIntervalSeconds() {
    return Math.max(5, Math.min(300, config.idleTimeout().toSeconds() / 4));
  }

  /** Where the hub's OAuth sends a browser back to a server: a path, or a URL on its user's subdomain. */
  String oauthCallback(dev.gpuhub.core.hub.ServerId id) {
    return serverOrigin.apply(id.user()) + id.prefix() + "oauth_callback";
  }

  /** The hub API token of a server ({@code JUPYTERHUB_API_TOKEN}), derived from the server's own secret. */
  static String hubApiToken(String serverToken) {
    return derive(serverToken, "hub-api");
  }

  /** The environment of a Jupyter server: where and whose it is, and its token (never on the command line). */
  private static Map<String, String> env(String node, String user, String token) {
    Map<String, String> env = new HashMap<>();
    env.put("GPUHUB_NODE", node);
    env.put("GPUHUB_USER", user);
    env.put("JUPYTERHUB_USER", user);
    env.put(JUPYTER_TOKEN_ENV, token);
    return env;
  }

  private static Map<String, String> labels(ActiveServer.Snapshot s, Profile profile, String kind, String node, Integer port) {
    Map<String, String> labels = new HashMap<>();
    labels.put(Labels.USER, s.user());
    labels.put(Labels.KIND, kind);
    labels.put(Labels.PROFILE, profile.name());
    labels.put(Labels.RESERVATION, owner(s.id()));
    if (!s.server().isEmpty()) labels.put(Labels.SERVER_NAME, s.server());
    if (node != null) labels.put(Labels.NODE, node);
    if (port != null) labels.put(Labels.PORT, Integer.toString(port));
    return labels;
  }

  private static ContainerRequest request(String name, ActiveServer.Snapshot s, Profile profile, List<String> command,
                                          Map<String, String> env, Map<String, String> labels, List<String> gpus,
                                          List<Integer> ports) {
    // limited to the profile's limits, guaranteed its guarantees (what placement reserved)
    return new ContainerRequest(name, s.image(), command, env, labels, profile.cpuLimit(),
        ContainerRequest.bytesOfGib(profile.memLimit()), gpus, ports)
        .withGuarantees(profile.cpuGuarantee(), ContainerRequest.bytesOfGib(profile.memGuarantee()));
  }

  /** The token a multi-node server presents to the hub's kernel gateway, derived from the server's token. */
  static String gatewayToken(String serverToken) {
    return derive(serverToken, "gateway");
  }

  /** The Jupyter token of a multi-node server's kernel host on {@code node}, derived from the server's token. */
  static String kernelHostToken(String serverToken, String node) {
    return derive(serverToken, "kernelhost:" + node);
  }

  private static String derive(String serverToken, String purpose) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(serverToken.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
