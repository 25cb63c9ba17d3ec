package dev.gpuhub.server.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.WireJson;
import dev.gpuhub.wire.node.ContainerRequest;
import dev.gpuhub.wire.node.ContainerView;
import dev.gpuhub.wire.node.NodeApiJson;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import dev.gpuhub.wire.tls.Pki;
import dev.gpuhub.wire.tls.TlsIdentity;
import dev.gpuhub.server.hub.proxy.ProxyRoute;
import java.net.http.HttpClient;
import java.security.cert.X509Certificate;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@link AgentClient} over the node API. With the cluster's identity ({@link #overTls}) every call
 * is HTTPS with the control plane's certificate, and the agent must present a node certificate of
 * the cluster CA for the address called and the host name expected; the shared token is never
 * sent. Without one ({@link #HttpAgentClient(String)}, tests), plain HTTP with the shared token as
 * a bearer token.
 */
public final class HttpAgentClient implements AgentClient {
  private static final ObjectMapper MAPPER = WireJson.mapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** Longest wait for a volume's archive to be written, or its manifest computed (a large home). */
  private static final Duration TRANSFER_TIMEOUT = Duration.ofHours(2);

  private final String token;
  private final boolean tls;
  private final HttpClient http;

  /** Plain HTTP with the shared agent token. */
  public HttpAgentClient(String token) {
    this.token = token;
    this.tls = false;
    this.http = client().build();
  }

  private HttpAgentClient(TlsIdentity identity) {
    this.token = null;
    this.tls = true;
    this.http = client().sslContext(identity.sslContext()).build();
  }

  private static HttpClient.Builder client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
  }

  /** Mutual TLS as the control plane {@code identity}. */
  public static HttpAgentClient overTls(TlsIdentity identity) {
    return new HttpAgentClient(identity);
  }

  @Override
  public String start(AgentEndpoint node, ContainerRequest request) {
    return call(node, "POST", "/containers", NodeApiJson.write(request), 201).path("id").asText();
  }

  @Override
  public Optional<ContainerView> inspect(AgentEndpoint node, String idOrName) {
    HttpResponse<String> r = send(node, "GET", "/containers/" + encode(idOrName), null);
    if (r.statusCode() == 404) return Optional.empty();
    return Optional.of(view(node, () -> NodeApiJson.readView(parse(node, r, 200))));
  }

  @Override
  public List<ContainerView> list(AgentEndpoint node, String labelKey) {
    JsonNode answer = call(node, "GET", "/containers?label=" + encode(labelKey), null, 200);
    return view(node, () -> NodeApiJson.readList(answer));
  }

  @Override
  public void remove(AgentEndpoint node, String idOrName) {
    call(node, "DELETE", "/containers/" + encode(idOrName), null, 200);
  }

  @Override
  public List<StoredVolume> volumes(AgentEndpoint node) {
    JsonNode answer = call(node, "GET", "/volumes", null, 200);
    List<StoredVolume> out = new java.util.ArrayList<>();
    for (JsonNode v : answer.path("volumes")) out.add(storedVolume(v));
    return out;
  }

  @Override
  public Optional<StoredVolume> volume(AgentEndpoint node, String name) {
    HttpResponse<String> r = send(node, "GET", "/volumes/" + encode(name), null);
    if (r.statusCode() == 404) return Optional.empty();
    return Optional.of(storedVolume(parse(node, r, 200)));
  }

  private static StoredVolume storedVolume(JsonNode v) {
    String modified = v.path("modified").asText(null);
    return new StoredVolume(v.path("name").asText(), v.path("size_bytes").asLong(-1),
        modified == null ? null : java.time.Instant.parse(modified));
  }

  @Override
  public boolean removeVolume(AgentEndpoint node, String name) {
    return call(node, "DELETE", "/volumes/" + encode(name), null, 200).path("removed").asBoolean();
  }

  @Override
  public Optional<java.io.InputStream> exportVolume(AgentEndpoint node, String name) {
    HttpResponse<java.io.InputStream> r = exchange(node, request(node, "GET", "/volumes/" + encode(name) + "/archive",
        HttpRequest.BodyPublishers.noBody(), TIMEOUT), HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() == 200) return Optional.of(r.body());
    String error = drain(r.body());
    if (r.statusCode() == 404) return Optional.empty();
    throw new AgentCallException("the agent at " + node.url() + " answered " + r.statusCode() + ": " + errorOf(error));
  }

  @Override
  public void importVolume(AgentEndpoint node, String name, java.io.InputStream tar) {
    HttpResponse<String> r = exchange(node, request(node, "PUT", "/volumes/" + encode(name) + "/archive",
        HttpRequest.BodyPublishers.ofInputStream(() -> tar), TRANSFER_TIMEOUT), HttpResponse.BodyHandlers.ofString());
    parse(node, r, 200);
  }

  @Override
  public Optional<dev.gpuhub.wire.node.VolumeManifest> volumeManifest(AgentEndpoint node, String name) {
    HttpResponse<String> r = exchange(node, request(node, "GET", "/volumes/" + encode(name) + "/manifest",
        HttpRequest.BodyPublishers.noBody(), TRANSFER_TIMEOUT), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 404) return Optional.empty();
    JsonNode json = parse(node, r, 200);
    try {
      return Optional.of(MAPPER.treeToValue(json, dev.gpuhub.wire.node.VolumeManifest.class));
    } catch (IOException | IllegalArgumentException e) {
      throw new AgentCallException("the agent at " + node.url() + " sent a volume manifest gpuhub cannot read: " + e.getMessage());
    }
  }

  @Override
  public void pullImage(AgentEndpoint node, String image,
                        java.util.function.Consumer<dev.gpuhub.core.node.PullProgress> progress) {
    String body = MAPPER.createObjectNode().put("image", image).toString();
    HttpResponse<java.util.stream.Stream<String>> r = exchange(node, request(node, "POST", "/images/pull",
        HttpRequest.BodyPublishers.ofString(body), TRANSFER_TIMEOUT), HttpResponse.BodyHandlers.ofLines());
    try (java.util.stream.Stream<String> lines = r.body()) {
      if (r.statusCode() != 200) {
        throw new AgentCallException(node.hostname() + " could not pull " + image + ": "
            + errorOf(String.join("\n", lines.limit(100).toList())));
      }
      var it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        if (line.isBlank()) continue;
        JsonNode json;
        try {
          json = MAPPER.readTree(line);
        } catch (IOException e) {
          throw new AgentCallException("the agent at " + node.url() + " sent a pull report gpuhub cannot read");
        }
        if (json.has("error")) throw new AgentCallException(node.hostname() + " could not pull " + image + ": "
            + json.path("error").asText());
        if (json.path("done").asBoolean()) return;
        progress.accept(dev.gpuhub.wire.node.ImagePullJson.progress(json));
      }
    } catch (java.io.UncheckedIOException e) {
      throw new AgentCallException("the agent at " + node.url() + " stopped answering during the pull of " + image
          + ": " + e.getCause());
    }
    throw new AgentCallException("the agent at " + node.url() + " ended its answer before the pull of " + image
        + " was done");
  }

  private static String drain(java.io.InputStream in) {
    try (in) {
      return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static String errorOf(String body) {
    try {
      return MAPPER.readTree(body).path("error").asText(body);
    } catch (IOException e) {
      return body;
    }
  }

  @Override
  public String logs(AgentEndpoint node, String idOrName, int lines) {
    try {
      HttpResponse<String> r = send(node, "GET", "/containers/" + encode(idOrName) + "/logs?lines=" + lines, null);
      return r.statusCode() == 200 ? r.body() : "(no logs: agent answered " + r.statusCode() + ")";
    } catch (AgentCallException e) {
      return "(no logs: " + e.getMessage() + ")";
    }
  }

  private static <T> T view(AgentEndpoint node, java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (InvalidPayloadException e) {
      throw new AgentCallException("the agent at " + node.url() + " sent a container description gpuhub cannot read: "
          + e.getMessage());
    }
  }

  private JsonNode call(AgentEndpoint node, String method, String path, String body, int expected) {
    return parse(node, send(node, method, path, body), expected);
  }

  private HttpResponse<String> send(AgentEndpoint node, String method, String path, String body) {
    return exchange(node, request(node, method, path, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body), TIMEOUT), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest request(AgentEndpoint node, String method, String path, HttpRequest.BodyPublisher body,
                              Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base(node) + path))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .method(method, body);
    if (!tls) b.header("Authorization", "Bearer " + token);
    return b.build();
  }

  private <T> HttpResponse<T> exchange(AgentEndpoint node, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      HttpResponse<T> r = http.send(request, handler);
      if (tls) requireNode(node, r);
      return r;
    } catch (IOException e) {
      throw new AgentCallException("the agent at " + node.url() + " is not reachable: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentCallException("interrupted while calling the agent at " + node.url());
    }
  }

  /** The node API's base URL: https on the cluster's TLS. */
  private String base(AgentEndpoint node) {
    return tls ? ProxyRoute.origin("https", node.ip(), node.port()) : node.url();
  }

  /**
   * TLS proved a node certificate of the cluster CA for the address called; it must also be the
   * certificate of the node expected there.
   */
  private static void requireNode(AgentEndpoint node, HttpResponse<?> r) {
    X509Certificate peer = r.sslSession().map(s -> {
      try {
        return s.getPeerCertificates()[0] instanceof X509Certificate c ? c : null;
      } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
        return null;
      }
    }).orElse(null);
    if (peer == null || !Pki.ROLE_NODE.equals(Pki.role(peer)) || !node.hostname().equals(Pki.commonName(peer))) {
      throw new AgentCallException("the agent at " + node.ip() + ":" + node.port() + " is not node " + node.hostname()
          + " (its certificate names " + (peer == null ? "nobody" : Pki.commonName(peer) + ", role " + Pki.role(peer))
          + "): its answer was ignored");
    }
  }

  private static JsonNode parse(AgentEndpoint node, HttpResponse<String> r, int expected) {
    JsonNode json;
    try {
      json = r.body() == null || r.body().isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(r.body());
    } catch (IOException e) {
      json = MAPPER.createObjectNode().put("error", r.body());
    }
    if (r.statusCode() != expected) {
      throw new AgentCallException("the agent at " + node.url() + " answered " + r.statusCode() + ": "
          + json.path("error").asText(r.body()));
    }
    return json;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
