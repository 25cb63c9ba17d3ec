package dev.gpuhub.app;

import dev.gpuhub.agent.AgentConfig;
import dev.gpuhub.agent.AgentDaemon;
import dev.gpuhub.agent.sim.SimulatedAgent;
import dev.gpuhub.agent.trust.IdentityStore;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.wire.tls.JoinToken;
import java.nio.file.Path;
import dev.gpuhub.agent.sim.SimulatedNodeSpec;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code gpuhub agent}: the per-node daemon that reports this node every interval. */
@Command(name = "agent", mixinStandardHelpOptions = true,
    description = {
        "Reports this node (cpu, memory, disk, GPUs, containers) to the discovery service.",
        "Joins the cluster with a join token (--join, or GPUHUB_JOIN_TOKEN; made by gpuhub join-token on the",
        "control plane's machine), or with GPUHUB_AGENT_TOKEN, the server's shared join secret.",
        "With --simulate it reports a declared node instead and records containers without running them."})
final class AgentCommand implements Runnable {

  @Option(names = "--server", required = true, paramLabel = "URL",
      description = "Discovery service URL, e.g. http://10.0.0.1:15002")
  String server;

  @Option(names = "--hostname", description = "Host name to report (default: the OS host name)")
  String hostname;

  @Option(names = "--ip", description = "Address to report (default: the first site-local IPv4 address)")
  String ip;

  @Option(names = "--interval", converter = DurationConverter.class, defaultValue = "15s",
      description = "Time between heartbeats (default: ${DEFAULT-VALUE}; e.g. 15, 15s, 2m)")
  Duration interval;

  @Option(names = "--cpu-sample", converter = DurationConverter.class, defaultValue = "1s",
      description = "Period cpu usage is sampled over (default: ${DEFAULT-VALUE})")
  Duration cpuSample;

  @Option(names = "--max-containers", defaultValue = "10", description = "Containers this node accepts (default: ${DEFAULT-VALUE})")
  int maxContainers;

  @Option(names = "--nvidia-smi", defaultValue = "nvidia-smi", description = "nvidia-smi binary (default: ${DEFAULT-VALUE})")
  String nvidiaSmi;

  @Option(names = "--docker-host", description = "Docker daemon, e.g. unix:///var/run/docker.sock (default: DOCKER_HOST or that socket)")
  String dockerHost;

  @Option(names = "--api-port", defaultValue = "15003",
      description = "Port of the node API the control plane starts containers through (default: ${DEFAULT-VALUE}; 0 = any free port, -1 = off)")
  int apiPort;

  @Option(names = "--api-bind", description = "Address the node API listens on (default: the reported --ip)")
  String apiBind;

  @Option(names = "--ca-fingerprint", paramLabel = "sha256:HEX", defaultValue = "${env:GPUHUB_CA_FINGERPRINT}",
      description = {"The cluster CA's fingerprint, as gpuhub server prints it (default: GPUHUB_CA_FINGERPRINT). "
          + "Needed to join a server on another machine; a server on this machine's loopback is trusted as it is."})
  String caFingerprint;

  @Option(names = "--join", paramLabel = "TOKEN", defaultValue = "${env:GPUHUB_JOIN_TOKEN}",
      description = {"A join token from gpuhub join-token (default: GPUHUB_JOIN_TOKEN, which keeps it out of process "
          + "listings). It pins the cluster CA, so no --ca-fingerprint is needed."})
  String join;

  @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "${env:GPUHUB_AGENT_STATE_DIR}",
      description = {"Where the node keeps its cluster identity, so a restart needs no new token (default: "
          + "GPUHUB_AGENT_STATE_DIR, else agent/ in GPUHUB_DATA_DIR, else ./data/agent)."})
  Path stateDir;

  @Option(names = "--simulate", paramLabel = "SPEC", converter = SpecConverter.class,
      description = {"Simulate a node for tests and benchmarks, e.g. cores=24,ram=64G,gpus=2,max_containers=60 "
          + "(also cpu_base, mem_base: idle usage in percent, default 5). Reports are synthetic; containers are "
          + "recorded, not run, and one with GPUHUB_PORT gets a stand-in server answering 200 on that port. "
          + "Docker, nvidia-smi, --cpu-sample and --max-containers are not used."})
  SimulatedNodeSpec simulate;

  @Override
  public void run() {
    String secret = System.getenv(AgentConfig.TOKEN_ENV);
    String pinned = caFingerprint;
    if (join != null && !join.isBlank()) {
      JoinToken token;
      try {
        token = JoinToken.parse(join);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--join: " + e.getMessage(), e);
      }
      if (pinned != null && !pinned.isBlank() && !pinned.strip().equalsIgnoreCase(token.fingerprint())) {
        throw new IllegalArgumentException("--join pins the cluster CA " + token.fingerprint() + " but --ca-fingerprint "
            + "says " + pinned.strip() + ": use one of them");
      }
      secret = token.credential();
      pinned = token.fingerprint();
    }
    AgentConfig config = AgentConfig.of(server, secret)
        .withHostname(hostname).withIp(ip).withInterval(interval).withCpuSample(cpuSample)
        .withMaxContainers(maxContainers).withNvidiaSmiPath(nvidiaSmi).withDockerHost(dockerHost)
        .withApiPort(apiPort).withApiBind(apiBind).withCaFingerprint(pinned);
    AgentDaemon daemon = (simulate != null ? SimulatedAgent.create(config, simulate)
        : AgentDaemon.create(config, new IdentityStore(stateDir()))).start();
    System.out.println("gpuhub agent: " + (simulate != null ? "SIMULATED node (" + simulate + "), " : "")
        + "reporting to " + config.server() + " every " + config.interval().toMillis() / 1000.0 + " s"
        + daemon.apiPort().map(p -> "; node API on port " + p).orElse("; no node API"));
    System.out.flush();
    ServerCommand.awaitShutdown(daemon);
  }

  private Path stateDir() {
    if (stateDir != null) return stateDir;
    String data = System.getenv("GPUHUB_DATA_DIR");
    return Path.of(data != null && !data.isBlank() ? data : StoreConfig.DEFAULT_DATA_DIR).resolve("agent");
  }

  /** {@code --simulate SPEC}: a bad spec is a usage error naming the key and the value. */
  static final class SpecConverter implements ITypeConverter<SimulatedNodeSpec> {
    @Override
    public SimulatedNodeSpec convert(String value) {
      try {
        return SimulatedNodeSpec.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
