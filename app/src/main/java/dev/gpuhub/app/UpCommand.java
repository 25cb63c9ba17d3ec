package dev.gpuhub.app;

import dev.gpuhub.agent.AgentConfig;
import dev.gpuhub.agent.AgentDaemon;
import dev.gpuhub.server.ControlPlane;
import dev.gpuhub.server.ServerConfig;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.wire.AgentAuth;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gpuhub up}: a whole working installation on one machine: the control plane on embedded
 * storage (unless GPUHUB_STORE/GPUHUB_LIVE say otherwise) plus a local agent, bound to loopback.
 * Without GPUHUB_AGENT_TOKEN it generates a token for this run and prints it.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = "Starts the control plane on embedded storage plus a local agent, and prints the URL.")
final class UpCommand implements Runnable {

  @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE})")
  String bind;

  /** On a loopback-only installation the agent reports (and serves its node API on) 127.0.0.1. */
  private static String localIp(ServerConfig config) {
    return config.bindHost().startsWith("127.") ? "127.0.0.1" : null;
  }

  /**
   * The host's address on the local Docker daemon's workload network, where users' servers reach
   * the hub's API (the hub itself listens on loopback only); null, with a warning, without Docker.
   */
  private static String workloadGateway() {
    try (dev.gpuhub.runtime.docker.DockerContainerRuntime docker = dev.gpuhub.runtime.docker.DockerContainerRuntime.connect(
        null, dev.gpuhub.runtime.WorkloadConfinement.DEFAULT,
        dev.gpuhub.runtime.WorkloadNetwork.fromEnv(System.getenv(), "127.0.0.1"))) {
      return docker.workloadGateway();
    } catch (RuntimeException e) {
      System.err.println("gpuhub up: no workload network (" + e.getMessage() + "): users' servers will not reach the hub's API");
      return null;
    }
  }

  @Override
  public void run() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putIfAbsent("GPUHUB_BIND", bind);
    boolean generated = env.get("GPUHUB_AGENT_TOKEN") == null || env.get("GPUHUB_AGENT_TOKEN").isBlank();
    if (generated) env.put("GPUHUB_AGENT_TOKEN", AgentAuth.generateToken());
    if (bind.startsWith("127.") && (env.get("GPUHUB_HUB_WORKLOAD_BIND") == null || env.get("GPUHUB_HUB_WORKLOAD_BIND").isBlank())) {
      String gateway = workloadGateway();
      if (gateway != null) env.put("GPUHUB_HUB_WORKLOAD_BIND", gateway);
    }
    ServerConfig config = ServerConfig.fromEnv(env);
    StoreConfig storeConfig = StoreConfig.fromEnv(env);
    ControlPlane plane = ControlPlane.start(config, storeConfig);
    AgentDaemon agent;
    try {
      agent = AgentDaemon.create(AgentConfig.of(plane.discoveryUrl(), config.agentToken()).withIp(localIp(config))).start();
    } catch (RuntimeException e) {
      plane.close();
      throw e;
    }
    System.out.println("gpuhub is up");
    if (plane.hub() != null) {
      System.out.println("  open:          " + plane.hub().url() + "/hub/  (sign up, then start a server)");
      java.nio.file.Path setup = plane.hub().auth().accounts().adminSetup().pendingFile();
      System.out.println("  admins:        " + (config.hubAuth().adminUsers().isEmpty()
          ? "none yet: restart with GPUHUB_ADMIN_USERS=<your user name> to become admin"
          : String.join(", ", config.hubAuth().adminUsers()) + (setup == null ? ""
              : " (sign up with that name and the setup secret in " + setup + ")")));
    }
    System.out.println("  discovery API: " + plane.discoveryUrl() + "  (try " + plane.discoveryUrl() + "/health-check)");
    System.out.println("  stores:        " + storeConfig.describe());
    System.out.println("  local agent:   reporting every " + AgentConfig.DEFAULT_INTERVAL.toSeconds() + " s");
    // The shared secret is never printed: other nodes join with a short-lived token instead.
    System.out.println("  add a node:    ./gpuhub join-token here, then on the node GPUHUB_JOIN_TOKEN=<token> ./gpuhub agent"
        + " --server http://<this machine>:" + plane.discoveryPort() + " (start up with --bind <address> to be reachable)");
    System.out.println("Press Ctrl+C to stop.");
    System.out.flush();
    ServerCommand.awaitShutdown(() -> {
      try {
        agent.close();
      } finally {
        plane.close();
      }
    });
  }
}
