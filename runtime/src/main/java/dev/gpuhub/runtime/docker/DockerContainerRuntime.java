package dev.gpuhub.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.gpuhub.runtime.ContainerInfo;
import dev.gpuhub.runtime.ContainerRuntime;
import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.runtime.VolumeMount;
import dev.gpuhub.runtime.HostRoots;
import dev.gpuhub.runtime.StoredVolume;
import dev.gpuhub.runtime.ContainerStartException;
import dev.gpuhub.runtime.ContainerSummary;
import dev.gpuhub.runtime.RuntimeUnavailableException;
import dev.gpuhub.runtime.WorkloadConfinement;
import dev.gpuhub.runtime.WorkloadNetwork;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ContainerRuntime} over a Docker daemon, through docker-java with its dependency-free
 * transport. Queries (list, inspect, ping) use short timeouts so that an absent daemon is noticed
 * within seconds; lifecycle calls (create, start, stop, remove, logs) use a second connection pool
 * whose timeout covers the longest stop grace period. The create request is built by
 * {@link DockerMapping}. Every container joins the runtime's {@link WorkloadNetwork}, which the
 * first start creates when the daemon lacks it.
 */
public final class DockerContainerRuntime implements ContainerRuntime {
  /** Where Docker listens when neither an explicit host nor DOCKER_HOST is given. */
  public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";
  /** Environment variable Docker's own tools read for the daemon address. */
  public static final String DOCKER_HOST_ENV = "DOCKER_HOST";
  /** Time allowed to open a connection to the daemon. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /** Time allowed for the daemon to answer one query. */
  static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(3);
  /** Time allowed for a lifecycle call: the longest stop grace plus time to create, start or remove. */
  static final Duration LIFECYCLE_RESPONSE_TIMEOUT = ContainerRuntime.MAX_STOP_GRACE.plusSeconds(30);
  /** Longest wait for a container's log tail. */
  static final Duration LOGS_TIMEOUT = Duration.ofSeconds(10);
  /** Most characters of log text kept by {@link #logsTail}; the end is kept. */
  static final int MAX_LOG_CHARS = 256 * 1024;
  /** Parallel connections to the daemon per pool; the agent makes few requests. */
  private static final int MAX_CONNECTIONS = 8;

  private static final Logger LOG = LoggerFactory.getLogger(DockerContainerRuntime.class);

  private final String dockerHost;
  private final WorkloadConfinement confinement;
  private final HostRoots hostRoots;
  private final WorkloadNetwork network;
  private final DockerWorkloadNetwork workloadNetwork;
  private final DockerClient client;
  private final DockerClient lifecycle;
  private final DockerVolumes volumes;

  private DockerContainerRuntime(String dockerHost, DockerClient client, DockerClient lifecycle,
                                 WorkloadConfinement confinement, WorkloadNetwork network, HostRoots hostRoots) {
    this.hostRoots = hostRoots;
    this.confinement = confinement;
    this.network = network;
    this.dockerHost = dockerHost;
    this.client = client;
    this.lifecycle = lifecycle;
    this.volumes = new DockerVolumes(lifecycle, this::unavailable);
    this.workloadNetwork = new DockerWorkloadNetwork(network, client, lifecycle, this::describe, this::unavailable);
  }

  /**
   * A runtime for the daemon at {@code explicitHost}, or at {@code DOCKER_HOST}, or at
   * {@link #DEFAULT_DOCKER_HOST}. Does not contact the daemon.
   *
   * @param explicitHost a {@code unix://} or {@code tcp://} address, or {@code null}/blank
   * @throws IllegalArgumentException when the chosen address is not a valid Docker address
   */
  public static DockerContainerRuntime connect(String explicitHost) {
    return connect(explicitHost, WorkloadConfinement.DEFAULT, LOOPBACK_NETWORK);
  }

  /** The default network publishing on 127.0.0.1: for a runtime whose node has no other address. */
  public static final WorkloadNetwork LOOPBACK_NETWORK = new WorkloadNetwork(WorkloadNetwork.DEFAULT_NAME, "127.0.0.1");

  /**
   * As {@link #connect(String)}, every container confined by {@code confinement} and joining
   * {@code network}.
   */
  public static DockerContainerRuntime connect(String explicitHost, WorkloadConfinement confinement,
                                               WorkloadNetwork network) {
    return connect(explicitHost, confinement, network, HostRoots.NONE);
  }

  /** As the other, mounting host directories (homes) only under {@code hostRoots}. */
  public static DockerContainerRuntime connect(String explicitHost, WorkloadConfinement confinement,
                                               WorkloadNetwork network, HostRoots hostRoots) {
    String host = resolveDockerHost(explicitHost, System.getenv());
    DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost(host)
        .build();
    return new DockerContainerRuntime(host, client(config, RESPONSE_TIMEOUT), client(config, LIFECYCLE_RESPONSE_TIMEOUT),
        confinement, network, hostRoots);
  }

  private static DockerClient client(DockerClientConfig config, Duration responseTimeout) {
    DockerHttpClient http = new ZerodepDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost())
        .sslConfig(config.getSSLConfig())
        .maxConnections(MAX_CONNECTIONS)
        .connectionTimeout(CONNECT_TIMEOUT)
        .responseTimeout(responseTimeout)
        .build();
    return DockerClientImpl.getInstance(config, new ReconnectingDockerHttpClient(http));
  }

  /**
   * The daemon address to use: {@code explicitHost} when set, else {@code env[DOCKER_HOST]} when
   * set, else {@link #DEFAULT_DOCKER_HOST}.
   *
   * @throws IllegalArgumentException when the chosen address is not {@code unix://PATH} or
   *     {@code tcp://HOST:PORT}
   */
  public static String resolveDockerHost(String explicitHost, Map<String, String> env) {
    String host;
    if (explicitHost != null && !explicitHost.isBlank()) host = explicitHost.strip();
    else if (env.get(DOCKER_HOST_ENV) != null && !env.get(DOCKER_HOST_ENV).isBlank()) host = env.get(DOCKER_HOST_ENV).strip();
    else host = DEFAULT_DOCKER_HOST;
    return requireValidDockerHost(host);
  }

  /**
   * Returns {@code host} when it is a {@code unix://PATH} or {@code tcp://HOST:PORT} address.
   *
   * @throws IllegalArgumentException naming the address and the accepted forms
   */
  public static String requireValidDockerHost(String host) {
    URI uri;
    try {
      uri = URI.create(host);
    } catch (IllegalArgumentException e) {
      throw invalidHost(host);
    }
    boolean ok = switch (uri.getScheme() == null ? "" : uri.getScheme()) {
      case "unix" -> uri.getPath() != null && uri.getPath().startsWith("/");
      case "tcp" -> uri.getHost() != null && uri.getPort() > 0;
      default -> false;
    };
    if (!ok) throw invalidHost(host);
    return host;
  }

  private static IllegalArgumentException invalidHost(String host) {
    return new IllegalArgumentException("docker host '" + host
        + "' is not a Docker address: use unix:///path/to/docker.sock or tcp://host:port");
  }

  @Override
  public List<ContainerSummary> listRunning() {
    List<Container> containers;
    try {
      containers = client.listContainersCmd().withShowAll(false).exec();
    } catch (RuntimeException e) {
      throw unavailable(e);
    }
    return containers.stream().map(DockerMapping::toSummary).toList();
  }

  @Override
  public List<String> images() {
    List<com.github.dockerjava.api.model.Image> images;
    try {
      images = client.listImagesCmd().exec();
    } catch (RuntimeException e) {
      throw unavailable(e);
    }
    return images.stream().filter(i -> i.getRepoTags() != null).flatMap(i -> java.util.Arrays.stream(i.getRepoTags()))
        .filter(t -> !t.startsWith("<none>")).distinct().sorted().limit(MAX_IMAGES).toList();
  }

  @Override
  public void pullImage(String reference, java.util.function.Consumer<dev.gpuhub.core.node.PullProgress> progress) {
    if (!ping()) throw unavailable(new IllegalStateException("no answer to ping"));
    DockerImagePull.pull(client, reference, progress);
  }

  @Override
  public List<ContainerSummary> listByLabel(String key) {
    ContainerRuntime.requireLabelKey(key);
    List<Container> containers;
    try {
      containers = client.listContainersCmd().withShowAll(true).withLabelFilter(List.of(key)).exec();
    } catch (RuntimeException e) {
      throw unavailable(e);
    }
    return containers.stream().map(DockerMapping::toSummary).toList();
  }

  @Override
  public String start(ContainerSpec spec) {
    workloadNetwork.ensure();
    for (VolumeMount v : spec.volumes()) {
      if (v.hostPath()) hostRoots.prepare(v.volume(), confinement.uid(), confinement.gid());
      else volumes.ensure(v.volume());
    }
    String id;
    try {
      id = DockerMapping.applySpec(spec, confinement, network, lifecycle.createContainerCmd(spec.image())).exec().getId();
    } catch (NotFoundException e) {
      throw ContainerStartException.imageNotFound(spec.image(), e);
    } catch (ConflictException e) {
      throw ContainerStartException.nameInUse(spec.name(), e);
    } catch (DockerException e) {
      throw new ContainerStartException(ContainerStartException.Reason.FAILED, "docker refused to create container '"
          + spec.name() + "' from image '" + spec.image() + "': " + DockerMapping.daemonMessage(e), e);
    } catch (RuntimeException e) {
      throw unavailable(e);
    }
    try {
      if (!spec.files().isEmpty()) {
        lifecycle.copyArchiveToContainerCmd(id).withRemotePath("/")
            .withTarInputStream(SecretFilesArchive.of(spec.files(), confinement.uid(), confinement.gid())).exec();
      }
      lifecycle.startContainerCmd(id).exec();
      LOG.info("started container {} ({}) from {}", spec.name(), shortId(id), spec.image());
      return id;
    } catch (RuntimeException e) {
      // Leave nothing behind: the caller sees one failure, not a half-made container.
      removeAfterFailedStart(id, spec.name());
      String reason = e instanceof DockerException d ? DockerMapping.daemonMessage(d) : rootMessage(e);
      throw new ContainerStartException(ContainerStartException.Reason.FAILED, "container '" + spec.name()
          + "' from image '" + spec.image() + "' failed to start: " + reason, e);
    }
  }

  @Override
  public List<StoredVolume> volumes() {
    return volumes.list();
  }

  @Override
  public Optional<StoredVolume> volume(String name) {
    return volumes.one(name);
  }

  @Override
  public boolean removeVolume(String name) {
    return volumes.remove(name);
  }

  @Override
  public java.io.InputStream exportVolume(String name) {
    return volumes.export(name);
  }

  @Override
  public void importVolume(String name, java.io.InputStream tar) {
    volumes.importInto(name, tar);
  }

  /**
   * The host's address on the workload network (its gateway), creating the network when the daemon
   * lacks it: the one address on this host that the node's workloads reach without routing.
   *
   * @throws RuntimeUnavailableException when the daemon does not answer
   * @throws IllegalStateException when the network has no IPv4 gateway
   */
  public String workloadGateway() {
    return workloadNetwork.gateway();
  }

  private void removeAfterFailedStart(String id, String name) {
    try {
      remove(id);
    } catch (RuntimeException e) {
      LOG.error("container {} ({}) failed to start and could not be removed: {}", name, shortId(id), e.getMessage());
    }
  }

  @Override
  public Optional<ContainerInfo> inspect(String idOrName) {
    try {
      return Optional.of(DockerMapping.toInfo(client.inspectContainerCmd(idOrName).exec()));
    } catch (NotFoundException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      throw unavailable(e);
    }
  }

  @Override
  public void stop(String idOrName, Duration grace) {
    ContainerRuntime.requireValidGrace(grace);
    try {
      lifecycle.stopContainerCmd(idOrName).withTimeout((int) Math.ceil(grace.toMillis() / 1000.0)).exec();
    } catch (NotModifiedException | NotFoundException e) {
      // Already stopped, or gone: stop is idempotent.
    } catch (RuntimeException e) {
      throw unavailable(e);
    }
  }

  @Override
  public boolean remove(String idOrName) {
    try {
      lifecycle.removeContainerCmd(idOrName).withForce(true).withRemoveVolumes(true).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    } catch (RuntimeException e) {
      throw unavailable(e);
    }
  }

  @Override
  public String logsTail(String idOrName, int lines) {
    ContainerRuntime.requireValidLogLines(lines);
    DockerLogCollector collector = new DockerLogCollector(MAX_LOG_CHARS);
    try {
      boolean done = lifecycle.logContainerCmd(idOrName).withStdOut(true).withStdErr(true).withTail(lines)
          .exec(collector).awaitCompletion(LOGS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) LOG.debug("logs of {} did not complete within {} s", idOrName, LOGS_TIMEOUT.toSeconds());
    } catch (NotFoundException e) {
      throw new NoSuchElementException("no container '" + idOrName + "' on " + describe());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeUnavailableException("interrupted while reading the logs of '" + idOrName + "'", e);
    } catch (RuntimeException e) {
      throw unavailable(e);
    } finally {
      closeQuietly(collector);
    }
    return collector.text();
  }

  @Override
  public boolean ping() {
    try {
      client.pingCmd().exec();
      return true;
    } catch (RuntimeException e) {
      LOG.debug("ping of {} failed", describe(), e);
      return false;
    }
  }

  @Override
  public String describe() {
    return "docker at " + dockerHost;
  }

  /** The daemon address this runtime talks to. */
  public String dockerHost() {
    return dockerHost;
  }

  @Override
  public void close() {
    closeQuietly(client);
    closeQuietly(lifecycle);
  }

  private void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing a connection of {} failed", describe(), e);
    }
  }

  private static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  private RuntimeUnavailableException unavailable(RuntimeException e) {
    if (e instanceof DockerException d) {
      return new RuntimeUnavailableException("docker daemon at " + dockerHost + " answered with an error (HTTP "
          + d.getHttpStatus() + "): " + DockerMapping.daemonMessage(d), e);
    }
    return new RuntimeUnavailableException("docker daemon at " + dockerHost + " is not reachable (" + rootMessage(e)
        + "): start Docker on this node, or point the agent at its socket with --docker-host or "
        + DOCKER_HOST_ENV, e);
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message.strip());
  }
}
