package dev.gpuhub.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.gpuhub.runtime.ContainerRuntime;
import dev.gpuhub.runtime.ContainerSummary;
import dev.gpuhub.runtime.RuntimeUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ContainerRuntime} over a Docker daemon, through docker-java with its dependency-free
 * transport. Timeouts are short so that an absent daemon is noticed within seconds.
 */
public final class DockerContainerRuntime implements ContainerRuntime {
  /** Where Docker listens when neither an explicit host nor DOCKER_HOST is given. */
  public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";
  /** Environment variable Docker's own tools read for the daemon address. */
  public static final String DOCKER_HOST_ENV = "DOCKER_HOST";
  /** Time allowed to open a connection to the daemon. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /** Time allowed for the daemon to answer one request. */
  static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(3);
  /** Parallel connections to the daemon; the agent makes few requests. */
  private static final int MAX_CONNECTIONS = 8;

  private static final Logger LOG = LoggerFactory.getLogger(DockerContainerRuntime.class);

  private final String dockerHost;
  private final DockerClient client;

  private DockerContainerRuntime(String dockerHost, DockerClient client) {
    this.dockerHost = dockerHost;
    this.client = client;
  }

  /**
   * A runtime for the daemon at {@code explicitHost}, or at {@code DOCKER_HOST}, or at
   * {@link #DEFAULT_DOCKER_HOST}. Does not contact the daemon.
   *
   * @param explicitHost a {@code unix://} or {@code tcp://} address, or {@code null}/blank
   * @throws IllegalArgumentException when the chosen address is not a valid Docker address
   */
  public static DockerContainerRuntime connect(String explicitHost) {
    String host = resolveDockerHost(explicitHost, System.getenv());
    DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost(host)
        .build();
    DockerHttpClient http = new ZerodepDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost())
        .sslConfig(config.getSSLConfig())
        .maxConnections(MAX_CONNECTIONS)
        .connectionTimeout(CONNECT_TIMEOUT)
        .responseTimeout(RESPONSE_TIMEOUT)
        .build();
    return new DockerContainerRuntime(host, DockerClientImpl.getInstance(config, http));
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
    return containers.stream().map(DockerContainerRuntime::toSummary).toList();
  }

  private static ContainerSummary toSummary(Container c) {
    List<String> names = c.getNames() == null ? List.of()
        : Arrays.stream(c.getNames()).map(n -> n.startsWith("/") ? n.substring(1) : n).toList();
    return new ContainerSummary(c.getId(), names, c.getImage(), c.getState(), c.getLabels());
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
    try {
      client.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing {} failed", describe(), e);
    }
  }

  private RuntimeUnavailableException unavailable(RuntimeException e) {
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
