package dev.gpuhub.agent;

import dev.gpuhub.agent.api.NodeApi;
import dev.gpuhub.agent.collect.HostMetricsCollector;
import dev.gpuhub.agent.collect.NvidiaSmiGpuCollector;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.runtime.docker.DockerContainerRuntime;
import dev.gpuhub.wire.AgentAuth;
import dev.gpuhub.wire.NodeReportParser;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Validated, immutable agent settings. The canonical constructor checks every value and fills
 * defaults for {@code null}s; an invalid value throws {@link IllegalArgumentException} naming the
 * option (the {@code OPT_*} constants, which the CLI uses as its option names).
 *
 * @param server        discovery service base URL, http or https (required)
 * @param token         shared agent token (required, see {@link AgentAuth#requireValidToken})
 * @param hostname      reported host name, or {@code null} for the OS host name
 * @param ip            reported IPv4/IPv6 address, or {@code null} for the first site-local IPv4
 * @param interval      time between heartbeats, at least {@link #MIN_INTERVAL}
 * @param cpuSample     period CPU usage is sampled over, shorter than the interval
 * @param maxContainers containers this node accepts, at least 1
 * @param nvidiaSmiPath nvidia-smi binary, a path or a name looked up on PATH
 * @param dockerHost    Docker daemon address, or {@code null} for DOCKER_HOST or the default socket
 * @param apiPort       port of the node API ({@link NodeApi}): {@link #DEFAULT_API_PORT}, 0 for any free
 *                      port, or {@link #API_DISABLED} for no node API (the node can then not be spawned on)
 * @param apiBind       IP address the node API listens on, or {@code null} for the reported address
 *                      ({@code ip}, else the detected one); {@code 0.0.0.0} listens on all
 * @param caFingerprint the cluster CA's {@code sha256:...} fingerprint the agent joins under
 *                      ({@code --ca-fingerprint}, printed by the server), or {@code null}: then it
 *                      joins only a server on this machine's loopback
 */
public record AgentConfig(URI server, String token, String hostname, String ip, Duration interval,
    Duration cpuSample, int maxContainers, String nvidiaSmiPath, String dockerHost, int apiPort, String apiBind,
    String caFingerprint) {

  public static final String OPT_SERVER = "--server";
  public static final String OPT_HOSTNAME = "--hostname";
  public static final String OPT_IP = "--ip";
  public static final String OPT_INTERVAL = "--interval";
  public static final String OPT_CPU_SAMPLE = "--cpu-sample";
  public static final String OPT_MAX_CONTAINERS = "--max-containers";
  public static final String OPT_NVIDIA_SMI = "--nvidia-smi";
  public static final String OPT_DOCKER_HOST = "--docker-host";
  public static final String OPT_API_PORT = "--api-port";
  public static final String OPT_API_BIND = "--api-bind";
  public static final String OPT_CA_FINGERPRINT = "--ca-fingerprint";
  private static final Pattern FINGERPRINT = Pattern.compile("(?i)sha256:[0-9a-f]{64}");
  /** Environment variable holding the shared token (never a command-line option: it would show in ps). */
  public static final String TOKEN_ENV = "GPUHUB_AGENT_TOKEN";

  /** Heartbeat period of the seed (SPEC §8). */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
  /** Shortest heartbeat period accepted. */
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
  /** Port of the node API unless configured (discovery is 15002). */
  public static final int DEFAULT_API_PORT = NodeApi.DEFAULT_PORT;
  /** {@code apiPort} value that turns the node API off. */
  public static final int API_DISABLED = -1;
  /** Shortest CPU sample accepted; shorter samples are mostly noise. */
  public static final Duration MIN_CPU_SAMPLE = Duration.ofMillis(10);

  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  public AgentConfig {
    if (server == null) throw new IllegalArgumentException(OPT_SERVER + " is required, e.g. http://10.0.0.1:15002");
    server = requireHttpUrl(server.toString());
    token = AgentAuth.requireValidToken(token, TOKEN_ENV);
    hostname = blankToNull(hostname);
    if (hostname != null && !NodeReportParser.HOSTNAME.matcher(hostname).matches()) {
      throw new IllegalArgumentException(OPT_HOSTNAME + " '" + hostname
          + "' is not a valid host name: use letters, digits, '.', '-' and '_'");
    }
    ip = blankToNull(ip);
    if (ip != null) ip = requireIpLiteral(ip, OPT_IP);
    interval = interval == null ? DEFAULT_INTERVAL : interval;
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      throw new IllegalArgumentException(OPT_INTERVAL + " must be at least " + MIN_INTERVAL.toSeconds() + " s, was " + interval);
    }
    cpuSample = cpuSample == null ? HostMetricsCollector.DEFAULT_CPU_SAMPLE : cpuSample;
    if (cpuSample.compareTo(MIN_CPU_SAMPLE) < 0 || cpuSample.compareTo(interval) >= 0) {
      throw new IllegalArgumentException(OPT_CPU_SAMPLE + " must be at least " + MIN_CPU_SAMPLE.toMillis()
          + " ms and shorter than " + OPT_INTERVAL + " (" + interval + "), was " + cpuSample);
    }
    if (maxContainers < 1) throw new IllegalArgumentException(OPT_MAX_CONTAINERS + " must be at least 1, was " + maxContainers);
    nvidiaSmiPath = blankToNull(nvidiaSmiPath) == null ? NvidiaSmiGpuCollector.DEFAULT_BINARY : nvidiaSmiPath.strip();
    dockerHost = blankToNull(dockerHost);
    if (dockerHost != null) {
      try {
        DockerContainerRuntime.requireValidDockerHost(dockerHost);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(OPT_DOCKER_HOST + ": " + e.getMessage(), e);
      }
    }
    if (apiPort != API_DISABLED && (apiPort < 0 || apiPort > 65535)) {
      throw new IllegalArgumentException(OPT_API_PORT + " must be a TCP port (1-65535), 0 for any free port or "
          + API_DISABLED + " to disable the node API, was " + apiPort);
    }
    apiBind = blankToNull(apiBind);
    if (apiBind != null) apiBind = requireIpLiteral(apiBind, OPT_API_BIND);
    caFingerprint = blankToNull(caFingerprint);
    if (caFingerprint != null && !FINGERPRINT.matcher(caFingerprint.strip()).matches()) {
      throw new IllegalArgumentException(OPT_CA_FINGERPRINT + " must be sha256: and 64 hex digits, as gpuhub server "
          + "prints it, was '" + caFingerprint + "'");
    }
    if (caFingerprint != null) caFingerprint = caFingerprint.strip().toLowerCase(java.util.Locale.ROOT);
  }

  /** A copy joining under the cluster CA with this fingerprint. */
  public AgentConfig withCaFingerprint(String value) {
    return new AgentConfig(server, token, hostname, ip, interval, cpuSample, maxContainers, nvidiaSmiPath, dockerHost,
        apiPort, apiBind, value);
  }

  /** The settings of earlier versions, with the node API on {@link #DEFAULT_API_PORT} at the reported address. */
  public AgentConfig(URI server, String token, String hostname, String ip, Duration interval, Duration cpuSample,
      int maxContainers, String nvidiaSmiPath, String dockerHost) {
    this(server, token, hostname, ip, interval, cpuSample, maxContainers, nvidiaSmiPath, dockerHost, DEFAULT_API_PORT, null,
        null);
  }

  /**
   * Settings with every default: OS host name and address, 15 s interval, 1 s CPU sample,
   * 10 containers, nvidia-smi on PATH, DOCKER_HOST or the default Docker socket, node API on port
   * {@link #DEFAULT_API_PORT} of the reported address.
   *
   * @param serverUrl the discovery service URL, e.g. {@code http://10.0.0.1:15002}
   * @param token     the shared token, usually {@code System.getenv(TOKEN_ENV)}
   */
  public static AgentConfig of(String serverUrl, String token) {
    return new AgentConfig(requireHttpUrl(serverUrl), token, null, null, null, null,
        NodeReport.DEFAULT_MAX_CONTAINERS, null, null, DEFAULT_API_PORT, null, null);
  }

  public AgentConfig withHostname(String value) {
    return new AgentConfig(server, token, value, ip, interval, cpuSample, maxContainers, nvidiaSmiPath, dockerHost, apiPort, apiBind, caFingerprint);
  }

  public AgentConfig withIp(String value) {
    return new AgentConfig(server, token, hostname, value, interval, cpuSample, maxContainers, nvidiaSmiPath, dockerHost, apiPort, apiBind, caFingerprint);
  }

  public AgentConfig withInterval(Duration value) {
    return new AgentConfig(server, token, hostname, ip, value, cpuSample, maxContainers, nvidiaSmiPath, dockerHost, apiPort, apiBind, caFingerprint);
  }

  public AgentConfig withCpuSample(Duration value) {
    return new AgentConfig(server, token, hostname, ip, interval, value, maxContainers, nvidiaSmiPath, dockerHost, apiPort, apiBind, caFingerprint);
  }

  public AgentConfig withMaxContainers(int value) {
    return new AgentConfig(server, token, hostname, ip, interval, cpuSample, value, nvidiaSmiPath, dockerHost, apiPort, apiBind, caFingerprint);
  }

  public AgentConfig withNvidiaSmiPath(String value) {
    return new AgentConfig(server, token, hostname, ip, interval, cpuSample, maxContainers, value, dockerHost, apiPort, apiBind, caFingerprint);
  }

  public AgentConfig withDockerHost(String value) {
    return new AgentConfig(server, token, hostname, ip, interval, cpuSample, maxContainers, nvidiaSmiPath, value, apiPort, apiBind, caFingerprint);
  }

  /** The node API port: a TCP port, 0 for any free port, {@link #API_DISABLED} for none. */
  public AgentConfig withApiPort(int value) {
    return new AgentConfig(server, token, hostname, ip, interval, cpuSample, maxContainers, nvidiaSmiPath, dockerHost, value, apiBind, caFingerprint);
  }

  public AgentConfig withApiBind(String value) {
    return new AgentConfig(server, token, hostname, ip, interval, cpuSample, maxContainers, nvidiaSmiPath, dockerHost, apiPort, value, caFingerprint);
  }

  /** True unless {@code apiPort} is {@link #API_DISABLED}. */
  public boolean apiEnabled() {
    return apiPort != API_DISABLED;
  }

  /** Like the record's, with the token masked. */
  @Override
  public String toString() {
    return "AgentConfig[server=" + server + ", token=***, hostname=" + hostname + ", ip=" + ip + ", interval="
        + interval + ", cpuSample=" + cpuSample + ", maxContainers=" + maxContainers + ", nvidiaSmiPath="
        + nvidiaSmiPath + ", dockerHost=" + dockerHost + ", apiPort=" + apiPort + ", apiBind=" + apiBind + ", caFingerprint=" + caFingerprint + "]";
  }

  private static URI requireHttpUrl(String url) {
    String problem = OPT_SERVER + " '" + url + "' is not an http(s) URL; use e.g. http://10.0.0.1:15002";
    if (url == null || url.isBlank()) throw new IllegalArgumentException(OPT_SERVER + " is required, e.g. http://10.0.0.1:15002");
    try {
      URI uri = new URI(url.strip());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
          || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
        throw new IllegalArgumentException(problem);
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(problem, e);
    }
  }

  private static String requireIpLiteral(String ip, String option) {
    var v4 = IPV4.matcher(ip);
    boolean ok;
    if (v4.matches()) {
      ok = true;
      for (int g = 1; g <= 4; g++) ok &= Integer.parseInt(v4.group(g)) <= 255;
    } else {
      ok = ip.contains(":") && isIpv6Literal(ip);
    }
    if (!ok) throw new IllegalArgumentException(option + " '" + ip + "' is not an IPv4 or IPv6 address");
    return ip;
  }

  /** A string with ':' is never looked up in DNS by InetAddress, only parsed. */
  private static boolean isIpv6Literal(String ip) {
    try {
      InetAddress.getByName(ip.startsWith("[") ? ip : "[" + ip + "]");
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
