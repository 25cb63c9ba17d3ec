package dev.gpuhub.agent.sim;

import dev.gpuhub.agent.AgentConfig;
import dev.gpuhub.agent.AgentDaemon;
import dev.gpuhub.agent.api.NodeApiServer;
import dev.gpuhub.agent.collect.LocalHost;
import dev.gpuhub.agent.heartbeat.HeartbeatClient;
import dev.gpuhub.runtime.fake.SimulatedContainerRuntime;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent of a simulated node ({@code gpuhub agent --simulate SPEC}): the real heartbeat loop and
 * node API (same token, same endpoints) over a {@link SimulatedContainerRuntime} and
 * {@link SimulatedNodeReports} instead of Docker, OSHI and nvidia-smi.
 */
public final class SimulatedAgent {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedAgent.class);

  private SimulatedAgent() {}

  /**
   * The simulated agent of {@code config}: host name and address as configured (else the OS host
   * name and the detected address, like the real agent), the node API where the real one would
   * listen, stand-in servers on that same address; {@code spec} replaces what the collectors would
   * measure (and {@code config.maxContainers()}). The CPU sample, nvidia-smi and Docker settings are
   * not used. Nothing listens or connects before {@link AgentDaemon#start()}; closing the agent
   * closes every stand-in server.
   */
  public static AgentDaemon create(AgentConfig config, SimulatedNodeSpec spec) {
    String hostname = config.hostname() != null ? config.hostname() : LocalHost.hostname();
    String ip = config.ip() != null ? config.ip() : LocalHost.ipv4();
    String bind = config.apiBind() != null ? config.apiBind() : ip;
    SimulatedContainerRuntime runtime = new SimulatedContainerRuntime(bind);
    NodeApiServer api = config.apiEnabled() ? new NodeApiServer(runtime, config.token(), bind, config.apiPort()) : null;
    SimulatedNodeReports reports = new SimulatedNodeReports(hostname, ip, spec, runtime, Clock.systemUTC());
    logSimulated(hostname, ip, spec);
    return new AgentDaemon(reports, new HeartbeatClient(config.server(), config.token()), config.interval(),
        AgentDaemon.INITIAL_BACKOFF, api, runtime).joining(config.server(), config.token(), hostname, ip,
        config.caFingerprint());
  }

  static void logSimulated(String hostname, String ip, SimulatedNodeSpec spec) {
    LOG.warn("SIMULATED node {} at {} ({}): reports are synthetic and containers are recorded, not run; "
        + "a container with {} gets a stand-in server answering 200 on that port", hostname, ip, spec,
        SimulatedContainerRuntime.PORT_ENV);
  }
}
