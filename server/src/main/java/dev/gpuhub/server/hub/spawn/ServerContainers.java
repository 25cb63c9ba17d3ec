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

  ServerContainers(SpawnerConfig config, WorkloadTls tls) {
    this.config = config;
    this.tls = tls;
  }

  /** The container name of {@code user}'s server. */
  static String name(String user) {
    return "gpuhub-" + user;
  }

  /** The reservation owner of a user's default server. */
  static String owner(String user) {
    return Labels.SERVER_OWNER + user;
  }

  /**
   * The user's Jupyter server on the primary node. {@code gatewayUrl} and {@code gatewayToken} are
   * set for a server whose kernels run on kernel hosts; {@code workerMode}/{@code workerPort} for a
   * worker-mode server, whose head runs beside Jupyter.
   */
  ContainerRequest server(ActiveServer.Snapshot s, Profile profile, List<String> gpus, String gatewayUrl,
                          String gatewayToken, WorkerMode workerMode, Integer workerPort) {
    Map<String, String> env = env(s.primaryHostname(), s.user(), s.token());
    env.put("GPUHUB_PORT", Integer.toString(s.port()));
    List<String> command = new ArrayList<>(config.commandFor(s.port(), s.user(), s.token()));
    if (gatewayToken != null) { // multi-node: kernels run on the kernel hosts, through the hub's gateway
      command.add("--GatewayClient.url=" + gatewayUrl + "/gateway/" + s.user());
      env.put(GATEWAY_TOKEN_ENV, gatewayToken);
      command.add("--GatewayClient.request_timeout=" + Math.max(40, config.startTimeout().toSeconds()));
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
    return request(name(s.user()), s, profile, command, env, labels(s, profile, Labels.KIND_SERVER, null, null), gpus,
        ports).withFiles(tls.filesFor(name(s.user()), s.nodeIp())).withVolumes(config.homes().mountsFor(s.user()));
  }

  /** A kernel host of a multi-node server. */
  ContainerRequest kernelHost(ActiveServer.Snapshot s, Profile profile, KernelHost host, List<String> gpus) {
    Map<String, String> env = env(host.hostname(), s.user(), host.token());
    env.put("GPUHUB_PORT", Integer.toString(host.port()));
    return request(KernelHost.containerName(s.user(), host.hostname()), s, profile,
        config.commandFor(host.port(), s.user(), host.token(), host.basePath()), env,
        labels(s, profile, Labels.KIND_KERNEL_HOST, host.hostname(), host.port()), gpus, List.of(host.port()))
        .withFiles(tls.filesFor(KernelHost.containerName(s.user(), host.hostname()), host.ip()))
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
    return request(WorkerMode.containerName(s.user(), hostname), s, profile,
        WorkerMode.shell(mode.workerCommand(), s.nodeIp(), workerPort, hostname, s.user()), env,
        labels(s, profile, Labels.KIND_WORKER, hostname, workerPort), gpus, List.of())
        .withVolumes(config.homes().mountsFor(s.user()));
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
    labels.put(Labels.RESERVATION, owner(s.user()));
    if (node != null) labels.put(Labels.NODE, node);
    if (port != null) labels.put(Labels.PORT, Integer.toString(port));
    return labels;
  }

  private static ContainerRequest request(String name, ActiveServer.Snapshot s, Profile profile, List<String> command,
                                          Map<String, String> env, Map<String, String> labels, List<String> gpus,
                                          List<Integer> ports) {
    return new ContainerRequest(name, s.image(), command, env, labels, profile.cpuRequirement(),
        ContainerRequest.bytesOfGib(profile.ramRequirement()), gpus, ports);
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
