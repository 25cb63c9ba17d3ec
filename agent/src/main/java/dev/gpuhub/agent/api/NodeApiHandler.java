package dev.gpuhub.agent.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.gpuhub.runtime.ContainerInfo;
import dev.gpuhub.runtime.ContainerRuntime;
import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.runtime.ContainerStartException;
import dev.gpuhub.runtime.ContainerSummary;
import dev.gpuhub.runtime.RuntimeUnavailableException;
import dev.gpuhub.wire.AgentAuth;
import dev.gpuhub.wire.node.ContainerView;
import dev.gpuhub.wire.node.NodeApiJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes and answers the requests of {@link NodeApi} against a {@link ContainerRuntime}: checks the
 * bearer token first (before reading anything else), then the path and method, then the request.
 * Every runtime failure becomes a JSON error; nothing escapes as an exception.
 */
final class NodeApiHandler implements HttpHandler {
  /** Container ids and names: what Docker allows in a name (ids are hex, a subset). */
  private static final Pattern REF = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
  private static final String LOGS = "logs";
  private static final Logger LOG = LoggerFactory.getLogger(NodeApiHandler.class);

  private final ContainerRuntime runtime;
  private final String token;

  /**
   * Null when the TLS peer holds the cluster's control-plane certificate (TLS already proved the
   * cluster CA issued it), else why it may not call this API (a node's certificate, for one).
   */
  static String controlPlaneRefusal(HttpsExchange tls) {
    String role;
    try {
      java.security.cert.Certificate[] chain = tls.getSSLSession().getPeerCertificates();
      role = chain.length > 0 && chain[0] instanceof java.security.cert.X509Certificate c
          ? dev.gpuhub.wire.tls.Pki.role(c) : null;
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return "the node API takes only callers with the cluster's control-plane certificate";
    }
    return dev.gpuhub.wire.tls.Pki.ROLE_CONTROL_PLANE.equals(role) ? null
        : "only the control plane may call the node API; this certificate's role is " + (role == null ? "unknown" : role);
  }

  NodeApiHandler(ContainerRuntime runtime, String token) {
    this.runtime = runtime;
    this.token = token;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (exchange instanceof HttpsExchange tls) { // the cluster's TLS: the caller's certificate says who it is
        String refusal = controlPlaneRefusal(tls);
        if (refusal != null) {
          Exchanges.sendError(exchange, 403, refusal, null);
          return;
        }
      } else if (!AgentAuth.bearerMatches(exchange.getRequestHeaders().getFirst("Authorization"), token)) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"gpuhub-agent\"");
        Exchanges.sendError(exchange, 401, "missing or wrong bearer token: send Authorization: Bearer "
            + "<GPUHUB_AGENT_TOKEN>, the token this agent was started with", null);
        return;
      }
      try {
        route(exchange);
      } catch (ApiException e) {
        Exchanges.sendError(exchange, e.status(), e.getMessage(), e.field());
      } catch (RuntimeUnavailableException e) {
        Exchanges.sendError(exchange, 503, e.getMessage(), null);
      } catch (RuntimeException e) {
        LOG.error("node API {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
        Exchanges.sendError(exchange, 500, "internal error in the agent: " + e, null);
      }
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    String method = exchange.getRequestMethod();
    if (path.equals(NodeApi.IMAGE_PULL_PATH)) {
      if (!method.equals("POST")) methodNotAllowed(exchange, "POST");
      else new ImagePullHandler(runtime).handle(exchange);
      return;
    }
    if (path.equals(NodeApi.CONTAINERS_PATH) || path.equals(NodeApi.CONTAINERS_PATH + "/")) {
      switch (method) {
        case "GET" -> list(exchange);
        case "POST" -> create(exchange);
        default -> methodNotAllowed(exchange, "GET, POST");
      }
      return;
    }
    if (path.equals(NodeApi.VOLUMES_PATH) || path.startsWith(NodeApi.VOLUMES_PATH + "/")) {
      volumes(exchange, path, method);
      return;
    }
    if (!path.startsWith(NodeApi.CONTAINERS_PATH + "/")) throw ApiException.notFound("no such endpoint: " + path);
    String[] parts = path.substring(NodeApi.CONTAINERS_PATH.length() + 1).split("/", -1);
    String ref = Exchanges.decode(parts[0]);
    if (!REF.matcher(ref).matches() || parts.length > 2 || (parts.length == 2 && !parts[1].equals(LOGS))) {
      throw ApiException.notFound("no such endpoint: " + path);
    }
    if (parts.length == 2) {
      if (method.equals("GET")) logs(exchange, ref);
      else methodNotAllowed(exchange, "GET");
      return;
    }
    switch (method) {
      case "GET" -> Exchanges.sendJson(exchange, 200,
          NodeApiJson.toJson(ContainerSpecJson.view(managed(ref).orElseThrow(() -> noSuchContainer(ref)))));
      case "DELETE" -> delete(exchange, ref);
      default -> methodNotAllowed(exchange, "GET, DELETE");
    }
  }

  /**
   * {@code GET /volumes}: gpuhub's volumes with sizes; {@code GET /volumes/<name>}: one of them;
   * {@code DELETE /volumes/<name>}: removes one
   * (409 while in use); {@code GET|PUT /volumes/<name>/archive}: its files as a tar stream;
   * {@code GET /volumes/<name>/manifest}: its files with sizes and SHA-256.
   */
  private void volumes(HttpExchange exchange, String path, String method) throws IOException {
    if (path.equals(NodeApi.VOLUMES_PATH)) {
      if (!method.equals("GET")) {
        methodNotAllowed(exchange, "GET");
        return;
      }
      List<Map<String, Object>> out = new java.util.ArrayList<>();
      for (var v : runtime.volumes()) out.add(volumeJson(v));
      Exchanges.sendJson(exchange, 200, Map.of("volumes", out));
      return;
    }
    String[] parts = path.substring(NodeApi.VOLUMES_PATH.length() + 1).split("/", -1);
    String name = Exchanges.decode(parts[0]);
    if (!REF.matcher(name).matches() || parts.length > 2) throw ApiException.notFound("no such endpoint: " + path);
    if (parts.length == 2) {
      switch (parts[1] + " " + method) {
        case "archive GET" -> exportVolume(exchange, name);
        case "archive PUT" -> importVolume(exchange, name);
        case "manifest GET" -> {
          try (var tar = exportOf(name)) {
            Exchanges.sendJson(exchange, 200, VolumeManifests.of(tar));
          }
        }
        default -> throw ApiException.notFound("no such endpoint: " + method + " " + path);
      }
      return;
    }
    if (method.equals("GET")) {
      Exchanges.sendJson(exchange, 200, volumeJson(runtime.volume(name)
          .orElseThrow(() -> ApiException.notFound("no gpuhub volume '" + name + "' on this node"))));
      return;
    }
    if (!method.equals("DELETE")) throw ApiException.notFound("no such endpoint: " + method + " " + path);
    boolean removed;
    try {
      removed = runtime.removeVolume(name);
    } catch (IllegalStateException inUse) {
      throw new ApiException(409, inUse.getMessage(), null);
    }
    LOG.warn("volume {} {} at the control plane's request", name, removed ? "removed" : "was not there to remove");
    Exchanges.sendJson(exchange, 200, Map.of("removed", removed, "name", name));
  }

  private static Map<String, Object> volumeJson(dev.gpuhub.runtime.StoredVolume v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", v.name());
    m.put("size_bytes", v.sizeBytes());
    m.put("modified", v.modified() == null ? null : v.modified().toString());
    return m;
  }

  private java.io.InputStream exportOf(String name) {
    try {
      return runtime.exportVolume(name);
    } catch (NoSuchElementException | IllegalStateException e) { // none, or not gpuhub's: nothing to read here
      throw ApiException.notFound(e.getMessage());
    }
  }

  /** {@code GET /volumes/<name>/archive}: the volume's files as a tar stream (404 when there is no such volume). */
  private void exportVolume(HttpExchange exchange, String name) throws IOException {
    try (var tar = exportOf(name)) {
      exchange.getResponseHeaders().set("Content-Type", "application/x-tar");
      exchange.sendResponseHeaders(200, 0);
      try (var out = exchange.getResponseBody()) {
        long bytes = tar.transferTo(out);
        LOG.info("sent volume {} to the control plane ({} bytes of archive)", name, bytes);
      }
    }
  }

  /** {@code PUT /volumes/<name>/archive}: writes a tar stream's files into the volume, creating it. */
  private void importVolume(HttpExchange exchange, String name) throws IOException {
    try {
      runtime.importVolume(name, exchange.getRequestBody());
    } catch (IllegalStateException notOurs) {
      throw new ApiException(409, notOurs.getMessage(), null);
    }
    LOG.info("wrote an archive from the control plane into volume {}", name);
    Exchanges.sendJson(exchange, 200, Map.of("name", name));
  }

  private void create(HttpExchange exchange) throws IOException {
    ContainerSpec spec = ContainerSpecJson.parse(Exchanges.readBody(exchange, NodeApi.MAX_BODY_BYTES))
        .withLabel(NodeApi.MANAGED_LABEL, NodeApi.MANAGED_VALUE);
    // Whoever asks, this node runs nothing without limits: one workload must not starve the others.
    if (spec.cpus() <= 0) throw ApiException.badField("cpus", "cpus is required: this node starts no container without a cpu limit");
    if (spec.memoryBytes() <= 0) {
      throw ApiException.badField("memory_bytes", "memory_bytes is required: this node starts no container without a memory limit");
    }
    String id;
    try {
      id = runtime.start(spec);
    } catch (dev.gpuhub.runtime.InvalidContainerSpecException e) { // e.g. a home outside this node's root
      throw ApiException.badField(e.field(), e.getMessage());
    } catch (ContainerStartException e) {
      int status = switch (e.reason()) {
        case IMAGE_NOT_FOUND -> 404;
        case NAME_IN_USE -> 409;
        case FAILED -> 500;
      };
      throw new ApiException(status, e.getMessage(), e.reason() == ContainerStartException.Reason.NAME_IN_USE ? "name" : null);
    }
    LOG.info("started {} ({}) from {} for the control plane", spec.name(), id, spec.image());
    Map<String, String> answer = new LinkedHashMap<>();
    answer.put("id", id);
    answer.put("name", spec.name());
    Exchanges.sendJson(exchange, 201, answer);
  }

  private void list(HttpExchange exchange) throws IOException {
    String label = Exchanges.query(exchange).getOrDefault("label", NodeApi.MANAGED_LABEL);
    if (label.isBlank()) throw ApiException.badField("label", "label must name a label key, e.g. gpuhub.user");
    List<ContainerView> containers = new ArrayList<>();
    for (ContainerSummary s : runtime.listByLabel(label)) {
      if (!isManaged(s.labels())) continue;
      // A container removed between list and inspect is simply not listed.
      runtime.inspect(s.id()).filter(i -> isManaged(i.labels())).map(ContainerSpecJson::view).ifPresent(containers::add);
    }
    Exchanges.sendJson(exchange, 200, NodeApiJson.listJson(containers));
  }

  private void delete(HttpExchange exchange, String ref) throws IOException {
    Optional<ContainerInfo> found = runtime.inspect(ref);
    if (found.isEmpty()) {
      Exchanges.sendJson(exchange, 200, Map.of("removed", false));
      return;
    }
    ContainerInfo info = found.get();
    if (!isManaged(info.labels())) throw noSuchContainer(ref);
    runtime.stop(info.id(), NodeApi.STOP_GRACE);
    boolean removed = runtime.remove(info.id());
    LOG.info("removed {} ({}) for the control plane", info.name(), info.id());
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("removed", removed);
    answer.put("id", info.id());
    Exchanges.sendJson(exchange, 200, answer);
  }

  private void logs(HttpExchange exchange, String ref) throws IOException {
    String raw = Exchanges.query(exchange).get("lines");
    int lines;
    try {
      lines = raw == null ? NodeApi.DEFAULT_LOG_LINES : Integer.parseInt(raw.strip());
    } catch (NumberFormatException e) {
      throw ApiException.badField("lines", "lines must be a whole number, was '" + raw + "'");
    }
    if (lines < 1 || lines > ContainerRuntime.MAX_LOG_LINES) {
      throw ApiException.badField("lines", "lines must be between 1 and " + ContainerRuntime.MAX_LOG_LINES + ", was " + lines);
    }
    ContainerInfo info = managed(ref).orElseThrow(() -> noSuchContainer(ref));
    try {
      Exchanges.sendText(exchange, 200, runtime.logsTail(info.id(), lines));
    } catch (NoSuchElementException e) {
      throw noSuchContainer(ref);
    }
  }

  /** The container when it exists and carries the managed label; empty otherwise. */
  private Optional<ContainerInfo> managed(String ref) {
    return runtime.inspect(ref).filter(i -> isManaged(i.labels()));
  }

  private static boolean isManaged(Map<String, String> labels) {
    return NodeApi.MANAGED_VALUE.equals(labels.get(NodeApi.MANAGED_LABEL));
  }

  private static ApiException noSuchContainer(String ref) {
    return ApiException.notFound("no gpuhub container '" + ref + "' on this node");
  }

  private static void methodNotAllowed(HttpExchange exchange, String allowed) throws IOException {
    exchange.getResponseHeaders().set("Allow", allowed);
    Exchanges.sendError(exchange, 405, exchange.getRequestMethod() + " is not allowed here; use " + allowed, null);
  }
}
