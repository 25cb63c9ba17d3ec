package dev.gpuhub.agent;

import dev.gpuhub.agent.api.NodeApiServer;
import dev.gpuhub.agent.trust.ClusterJoin;
import dev.gpuhub.agent.trust.IdentityStore;
import dev.gpuhub.wire.tls.TlsIdentity;
import java.net.URI;
import dev.gpuhub.agent.collect.ContainerCounter;
import dev.gpuhub.agent.collect.HostMetricsCollector;
import dev.gpuhub.agent.collect.LocalHost;
import dev.gpuhub.agent.collect.NodeReportCollector;
import dev.gpuhub.agent.collect.NvidiaSmiGpuCollector;
import dev.gpuhub.agent.heartbeat.Backoff;
import dev.gpuhub.agent.heartbeat.HeartbeatClient;
import dev.gpuhub.agent.heartbeat.HeartbeatResult;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.runtime.WorkloadConfinement;
import dev.gpuhub.runtime.WorkloadNetwork;
import dev.gpuhub.runtime.docker.DockerContainerRuntime;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent: its node API ({@link NodeApiServer}, when configured) and its heartbeat loop, which
 * every {@code interval} collects a {@link NodeReport}, stamps it with the node API's port
 * ({@code agent_port}) and sends it.
 *
 * <pre>
 *   start() ──> beat ──ok──> wait interval ──> beat ...
 *                 └─failed─> wait 1 s, 2 s, 4 s ... (capped at interval) ──> beat ──ok──> back to interval
 * </pre>
 *
 * The loop never dies from an exception: a failed collection or send counts as a failed beat and is
 * retried. {@link #start()} starts the node API first and fails (closing everything) when it cannot
 * listen. {@link #close()} stops the node API and the loop and releases the Docker connection it owns.
 */
public final class AgentDaemon implements AutoCloseable {
  /** First retry delay after a failed heartbeat; it doubles up to the interval. */
  public static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
  /** Longest wait for an in-flight beat when closing. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(AgentDaemon.class);

  private final Supplier<NodeReport> reports;
  private final HeartbeatClient client;
  private final Duration interval;
  private final Backoff backoff;
  private final NodeApiServer api;
  private final AutoCloseable resources;
  private final ScheduledExecutorService scheduler;
  private final AtomicLong sentOk = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<HeartbeatResult> lastResult = new AtomicReference<>();
  private volatile boolean started;
  private volatile boolean closed;
  private boolean failing;
  /** How this agent joins its cluster, or null for a loop that never joins (tests, simulators). */
  private JoinPlan join;
  /** True once the agent knows how to talk to the server: joined, or a loopback server without a CA. */
  private volatile boolean settled;
  private volatile TlsIdentity identity;

  /** What {@link ClusterJoin#attempt} needs. */
  private record JoinPlan(URI server, String secret, String hostname, String ip, String fingerprint,
      IdentityStore store) {}

  /**
   * A loop over any report source and client; {@link #create(AgentConfig)} wires the real ones.
   *
   * @param resources closed by {@link #close()} (e.g. the Docker runtime), or {@code null}
   */
  public AgentDaemon(Supplier<NodeReport> reports, HeartbeatClient client, Duration interval,
      Duration initialBackoff, AutoCloseable resources) {
    this(reports, client, interval, initialBackoff, null, resources);
  }

  /**
   * A loop with a node API: {@link #start()} starts {@code api} and every report carries its port.
   *
   * @param api       the node API, not yet started, or {@code null} for none
   * @param resources closed by {@link #close()} after the API and the loop, or {@code null}
   */
  public AgentDaemon(Supplier<NodeReport> reports, HeartbeatClient client, Duration interval,
      Duration initialBackoff, NodeApiServer api, AutoCloseable resources) {
    if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("interval must be positive");
    this.reports = reports;
    this.client = client;
    this.interval = interval;
    this.backoff = new Backoff(initialBackoff, interval);
    this.api = api;
    this.resources = resources;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "gpuhub-agent-heartbeat");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * The agent of {@code config}: OSHI, nvidia-smi and Docker collectors, an authenticated client,
   * and the node API unless disabled. With the node API, the reported address is fixed at creation
   * (the configured {@code ip}, else the detected one) and the API listens there unless
   * {@code apiBind} says otherwise, so the control plane reaches the API where the report points.
   * Nothing listens or connects before {@link #start()}.
   */
  public static AgentDaemon create(AgentConfig config) {
    return create(config, null);
  }

  /**
   * Like {@link #create(AgentConfig)}, keeping the node's cluster identity in {@code store} (see
   * {@link IdentityStore}) so a restart needs no new join token; null keeps nothing.
   */
  public static AgentDaemon create(AgentConfig config, IdentityStore store) {
    return create(config, store, dev.gpuhub.runtime.HostRoots.fromEnv(System.getenv()));
  }

  /**
   * Like {@link #create(AgentConfig, IdentityStore)}, mounting host directories only under
   * {@code roots} (by default {@code GPUHUB_HOME_ROOT} and {@code GPUHUB_DATA_ROOT} of the environment).
   */
  public static AgentDaemon create(AgentConfig config, IdentityStore store, dev.gpuhub.runtime.HostRoots roots) {
    String reportedIp = config.ip();
    if (config.apiEnabled() && reportedIp == null) reportedIp = LocalHost.ipv4();
    // Workloads publish their ports where the report points, as the node API does.
    DockerContainerRuntime runtime = DockerContainerRuntime.connect(config.dockerHost(),
        WorkloadConfinement.fromEnv(System.getenv()),
        WorkloadNetwork.fromEnv(System.getenv(), reportedIp != null ? reportedIp : LocalHost.LOOPBACK_IPV4),
        roots);
    NodeApiServer api = null;
    if (config.apiEnabled()) {
      String bind = config.apiBind() != null ? config.apiBind() : reportedIp;
      api = new NodeApiServer(runtime, config.token(), bind, config.apiPort());
    }
    NodeReportCollector collector = new NodeReportCollector(config.hostname(), reportedIp, config.maxContainers(),
        new HostMetricsCollector(config.cpuSample()), new NvidiaSmiGpuCollector(config.nvidiaSmiPath()),
        new ContainerCounter(runtime), Clock.systemUTC());
    return new AgentDaemon(collector, new HeartbeatClient(config.server(), config.token()),
        config.interval(), INITIAL_BACKOFF, api, runtime).joining(config.server(), config.token(),
        config.hostname() != null ? config.hostname() : LocalHost.hostname(),
        reportedIp != null ? reportedIp : LocalHost.ipv4(), config.caFingerprint(), store);
  }

  /**
   * Starts the node API (if any), then the loop; the first beat happens at once. Returns this; a
   * second call does nothing.
   *
   * @throws IllegalStateException when the node API cannot listen (this agent is then closed), or
   *     after {@link #close()}
   */
  public synchronized AgentDaemon start() {
    if (closed) throw new IllegalStateException("this agent was closed");
    if (!started) {
      settle();
      if (api != null && settled) {
        try {
          api.start();
        } catch (RuntimeException e) {
          close();
          throw e;
        }
      }
      started = true;
      LOG.info("agent sending heartbeats to {} every {} s", client.endpoint(), interval.toMillis() / 1000.0);
      scheduler.execute(this::tick);
    }
    return this;
  }

  /** Collects and sends one report now, updating the counters; never throws. */
  public HeartbeatResult beatOnce() {
    HeartbeatResult result;
    try {
      NodeReport report = reports.get();
      if (api != null && api.isRunning()) report = report.withAgentPort(api.port());
      result = client.send(report);
    } catch (RuntimeException e) {
      LOG.error("heartbeat could not be prepared", e);
      result = HeartbeatResult.error("heartbeat could not be prepared: " + e);
    }
    (result.isOk() ? sentOk : failed).incrementAndGet();
    lastResult.set(result);
    return result;
  }

  /**
   * Makes {@link #start()} join the cluster at {@code server} as {@code hostname} at {@code ip}
   * first (see {@link ClusterJoin}): the node API and heartbeats then use mutual TLS. Without this
   * the loop talks to the server as its client was made. Returns this.
   *
   * @throws IllegalStateException once started
   */
  public synchronized AgentDaemon joining(URI server, String secret, String hostname, String ip, String caFingerprint) {
    return joining(server, secret, hostname, ip, caFingerprint, null);
  }

  /** Like the other, keeping the identity in {@code store} (null: nowhere). */
  public synchronized AgentDaemon joining(URI server, String secret, String hostname, String ip, String caFingerprint,
      IdentityStore store) {
    if (started) throw new IllegalStateException("the agent already started");
    this.join = new JoinPlan(server, secret, hostname, ip, caFingerprint, store);
    return this;
  }

  /**
   * One attempt to learn how to talk to the server: join the cluster (node certificate, mutual
   * TLS for heartbeats and the node API), or, for a server on this machine without a cluster CA,
   * plain HTTP with the shared token. Never sends the token in clear to another machine.
   */
  private void settle() {
    if (settled) return;
    if (join == null) {
      settled = true;
      return;
    }
    ClusterJoin.Outcome outcome = ClusterJoin.attempt(join.server(), join.secret(), join.hostname(), join.ip(),
        join.fingerprint(), join.store());
    if (outcome instanceof ClusterJoin.Joined joined) {
      identity = joined.identity();
      if (api != null) api.useTls(joined.identity());
      client.overTls(joined.clusterUrl(), joined.identity().sslContext());
      settled = true;
      LOG.info("joined the cluster at {} as {}", joined.clusterUrl(), join.hostname());
    } else if (outcome instanceof ClusterJoin.Legacy legacy) {
      settled = true;
      LOG.warn("{}: using plain HTTP with the shared token on this machine", legacy.why());
    } else if (outcome instanceof ClusterJoin.Failed failed) {
      LOG.error("could not join the cluster: {}", failed.why());
    }
  }

  /** The node's cluster identity once it joined; empty before, or with a server without a cluster CA. */
  public Optional<TlsIdentity> identity() {
    return Optional.ofNullable(identity);
  }

  private void tick() {
    long begin = System.nanoTime();
    Duration next = interval;
    try {
      if (!settled) {
        settle();
        if (!settled) {
          next = backoff.next();
          return;
        }
        if (api != null && !api.isRunning()) api.start();
      }
      HeartbeatResult result = beatOnce();
      if (result.isOk()) {
        if (failing) LOG.info("heartbeats to {} work again", client.endpoint());
        else if (sentOk.get() == 1) LOG.info("first heartbeat accepted by {}", client.endpoint());
        failing = false;
        backoff.reset();
        next = interval.minusNanos(System.nanoTime() - begin);
      } else {
        failing = true;
        next = backoff.next();
        LOG.warn("heartbeat to {} failed ({}); retrying in {} ms", client.endpoint(), result.describe(), next.toMillis());
      }
    } catch (RuntimeException e) {
      next = backoff.next();
      LOG.error("heartbeat loop error; retrying in {} ms", next.toMillis(), e);
    } finally {
      scheduleNext(next.isNegative() ? Duration.ZERO : next);
    }
  }

  private void scheduleNext(Duration delay) {
    if (closed) return;
    try {
      scheduler.schedule(this::tick, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Closed meanwhile.
    }
  }

  /** Heartbeats the server accepted. */
  public long sentOk() {
    return sentOk.get();
  }

  /** Heartbeats that failed (no answer, error status, bad proof, collection error). */
  public long failed() {
    return failed.get();
  }

  /** The port the node API listens on; empty when it is disabled, not started yet, or closed. */
  public Optional<Integer> apiPort() {
    return api != null && api.isRunning() ? Optional.of(api.port()) : Optional.empty();
  }

  /** The outcome of the latest beat, if any. */
  public Optional<HeartbeatResult> lastResult() {
    return Optional.ofNullable(lastResult.get());
  }

  /** Stops the loop, waiting briefly for an in-flight beat, and closes owned resources; idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
    }
    if (api != null) api.close();
    scheduler.shutdownNow();
    try {
      if (!scheduler.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("heartbeat thread did not stop within {} s", CLOSE_TIMEOUT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (resources != null) {
      try {
        resources.close();
      } catch (Exception e) {
        LOG.debug("closing agent resources failed", e);
      }
    }
  }
}
