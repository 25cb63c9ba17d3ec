package dev.gpuhub.server.hub.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.wire.WireJson;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import dev.gpuhub.server.workload.WorkloadTls;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /gateway/<server>/...} ({@code <server>} is {@link dev.gpuhub.core.hub.ServerId#slug()}: the
 * user's name, or {@code <user>_<name>} for a named server): the kernel gateway of a multi-node server (issue 7), the endpoints
 * notebook 6's {@code GatewayClient} uses. Kernel specs are one per selected node,
 * {@code python3-<hostname>} ("Python 3 on &lt;hostname&gt;"); a kernel started under one runs on
 * that node's kernel host, and every later request about it (model, delete, interrupt, restart,
 * channels WebSocket) goes to that host only.
 *
 * <p>Callers: the user's server with its gateway token ({@code Authorization: token ...}), or the
 * owner / an admin with the hub's session (non-GET requests then need {@code X-XSRFToken} equal to
 * the {@code _xsrf} cookie). Everyone else gets 403, whether or not the user has a server; a user
 * without kernel hosts gets 404.
 */
public final class KernelGatewayServlet extends HttpServlet {
  private static final ObjectMapper MAPPER = WireJson.mapper();
  private static final Pattern PATH = Pattern.compile("^/gateway/([^/]+)(/.*)?$");
  private static final Pattern KERNEL = Pattern.compile("^/api/kernels/([0-9a-fA-F-]{1,64})(/(interrupt|restart|channels))?/?$");
  private static final Pattern SPEC = Pattern.compile("^/api/kernelspecs/([^/]+)/?$");
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private final KernelGateways gateways;
  private final ProxyAccess access;
  private final RouteTable routes;
  private final WebSocketBridge webSockets;
  private final HttpClient http;
  private final WorkloadTls tls;
  /** "user/kernel id" → hostname of the kernel host that runs it. */
  private final Map<String, String> kernelNode = new ConcurrentHashMap<>();

  public KernelGatewayServlet(KernelGateways gateways, ProxyAccess access, RouteTable routes) {
    this(gateways, access, routes, WorkloadTls.off());
  }

  /** A gateway dialling kernel hosts with {@code tls}. */
  public KernelGatewayServlet(KernelGateways gateways, ProxyAccess access, RouteTable routes, WorkloadTls tls) {
    this.tls = tls;
    this.webSockets = new WebSocketBridge(tls);
    this.http = tls.httpClient().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    this.gateways = gateways;
    this.access = access;
    this.routes = routes;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Matcher m = PATH.matcher(request.getRequestURI());
    if (!m.matches()) {
      send(response, 404, error("no such path"));
      return;
    }
    String user = m.group(1); // the server's slug: keys its kernels below
    dev.gpuhub.core.hub.ServerId server;
    try {
      server = dev.gpuhub.core.hub.ServerId.parseSlug(user);
    } catch (IllegalArgumentException e) {
      send(response, 404, error("no such server: " + e.getMessage()));
      return;
    }
    String rest = m.group(2) == null ? "/" : m.group(2);
    Optional<KernelGateways.Target> target = gateways.of(server);
    boolean byServer = target.isPresent() && presentsToken(request, target.get().gatewayToken());
    if (!byServer) {
      if (access.check(request, server) != ProxyAccess.Decision.ALLOW) {
        send(response, 403, error("the kernels of " + server.describe() + " are not yours"));
        return;
      }
      if (!"GET".equals(request.getMethod()) && !xsrfMatches(request)) {
        send(response, 403, error("missing or wrong X-XSRFToken"));
        return;
      }
    }
    if (target.isEmpty()) {
      send(response, 404, error(server.describe() + " is no multi-node server with kernel hosts"));
      return;
    }
    routes.touch(server);
    KernelGateways.Target t = target.get();
    String method = request.getMethod();
    if (rest.equals("/api/kernelspecs") || rest.equals("/api/kernelspecs/")) {
      if (!method.equals("GET")) {
        send(response, 405, error("GET only"));
        return;
      }
      send(response, 200, kernelSpecs(t));
      return;
    }
    Matcher spec = SPEC.matcher(rest);
    if (spec.matches()) {
      ObjectNode all = (ObjectNode) kernelSpecs(t).path("kernelspecs");
      JsonNode one = all.get(spec.group(1));
      if (one == null) send(response, 404, error("no kernel spec " + spec.group(1)));
      else send(response, 200, one);
      return;
    }
    if (rest.equals("/api/kernels") || rest.equals("/api/kernels/")) {
      switch (method) {
        case "GET" -> send(response, 200, listKernels(user, t));
        case "POST" -> startKernel(request, response, user, t);
        default -> send(response, 405, error("GET or POST"));
      }
      return;
    }
    Matcher k = KERNEL.matcher(rest);
    if (!k.matches()) {
      send(response, 404, error("the gateway does not serve " + rest));
      return;
    }
    String id = k.group(1);
    String action = k.group(3);
    Optional<KernelGateways.Host> host = hostOf(user, t, id);
    if (host.isEmpty()) {
      send(response, 404, error("no kernel " + id));
      return;
    }
    KernelGateways.Host h = host.get();
    String hostPath = h.basePath() + "api/kernels/" + id + (action == null ? "" : "/" + action);
    if ("channels".equals(action)) {
      if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
        send(response, 400, error("the channels endpoint is a WebSocket"));
        return;
      }
      if (!byServer && !sameOrigin(request)) {
        send(response, 403, error("cross-origin WebSocket refused"));
        return;
      }
      webSockets.bridge(request, response, new ProxyRoute(server, h.ip(), h.port(), h.token(), tls.on()), hostPath,
          () -> routes.touch(server));
      return;
    }
    boolean allowed = action == null ? method.equals("GET") || method.equals("DELETE") : method.equals("POST");
    if (!allowed) {
      send(response, 405, error(method + " not allowed here"));
      return;
    }
    HttpResponse<String> r = call(h, method, hostPath, action == null ? null : "{}");
    if (r == null) { // the node's kernel host is gone: its kernels are dead, the other nodes' are not affected
      if (method.equals("DELETE")) {
        kernelNode.remove(user + "/" + id);
        response.setStatus(204);
        return;
      }
      send(response, 503, error(deadMessage(id, h.hostname())));
      return;
    }
    if (method.equals("DELETE") && r.statusCode() / 100 == 2) kernelNode.remove(user + "/" + id);
    relay(response, r, h.hostname());
  }

  private static ObjectNode kernelSpecs(KernelGateways.Target t) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("default", specName(t.hosts().get(0).hostname()));
    ObjectNode specs = out.putObject("kernelspecs");
    for (KernelGateways.Host h : t.hosts()) {
      String name = specName(h.hostname());
      ObjectNode one = specs.putObject(name);
      one.put("name", name);
      ObjectNode spec = one.putObject("spec");
      spec.putArray("argv").add("python3").add("-m").add("ipykernel_launcher").add("-f").add("{connection_file}");
      spec.putObject("env");
      spec.put("display_name", "Python 3 on " + h.hostname());
      spec.put("language", "python");
      spec.put("interrupt_mode", "signal");
      spec.putObject("metadata").put("gpuhub_node", h.hostname());
      one.putObject("resources");
    }
    return out;
  }

  private static String deadMessage(String id, String hostname) {
    return "kernel " + id + " is dead: the kernel host on " + hostname + " does not answer";
  }

  static String specName(String hostname) {
    return "python3-" + hostname;
  }

  private ArrayNode listKernels(String user, KernelGateways.Target t) {
    ArrayNode all = MAPPER.createArrayNode();
    for (KernelGateways.Host h : t.hosts()) {
      HttpResponse<String> r = call(h, "GET", h.basePath() + "api/kernels", null);
      if (r == null || r.statusCode() != 200) { // the host is gone: the kernels started there show as dead
        String prefix = user + "/";
        for (Map.Entry<String, String> e : kernelNode.entrySet()) {
          if (!e.getKey().startsWith(prefix) || !e.getValue().equals(h.hostname())) continue;
          ObjectNode dead = all.addObject().put("id", e.getKey().substring(prefix.length()))
              .put("name", specName(h.hostname())).put("execution_state", "dead").put("connections", 0);
          dead.putNull("last_activity");
          dead.put("reason", deadMessage(e.getKey().substring(prefix.length()), h.hostname()));
        }
        continue;
      }
      java.util.Set<String> live = new java.util.HashSet<>();
      for (JsonNode k : parse(r.body())) live.add(user + "/" + k.path("id").asText());
      kernelNode.entrySet().removeIf(e -> e.getKey().startsWith(user + "/") && e.getValue().equals(h.hostname())
          && !live.contains(e.getKey())); // culled or shut down on the host itself
      for (JsonNode k : parse(r.body())) {
        ObjectNode kernel = (ObjectNode) k;
        kernelNode.put(user + "/" + kernel.path("id").asText(), h.hostname());
        kernel.put("name", specName(h.hostname()));
        all.add(kernel);
      }
    }
    return all;
  }

  private void startKernel(HttpServletRequest request, HttpServletResponse response, String user,
                           KernelGateways.Target t) throws IOException {
    JsonNode body = parse(new String(request.getInputStream().readNBytes(1 << 20), StandardCharsets.UTF_8));
    String name = body.path("name").asText("");
    if (name.isEmpty()) name = specName(t.hosts().get(0).hostname());
    Optional<KernelGateways.Host> host = Optional.empty();
    for (KernelGateways.Host h : t.hosts()) if (specName(h.hostname()).equals(name)) host = Optional.of(h);
    if (host.isEmpty()) {
      send(response, 404, error("no kernel spec " + name + "; this server has "
          + t.hosts().stream().map(h -> specName(h.hostname())).toList()));
      return;
    }
    KernelGateways.Host h = host.get();
    ObjectNode forwarded = MAPPER.createObjectNode().put("name", "python3");
    if (body.has("path")) forwarded.set("path", body.get("path"));
    HttpResponse<String> r = call(h, "POST", h.basePath() + "api/kernels", forwarded.toString());
    if (r == null) {
      send(response, 502, error("the kernel host on " + h.hostname() + " does not answer"));
      return;
    }
    JsonNode kernel = parse(r.body());
    if (r.statusCode() / 100 == 2 && kernel.hasNonNull("id")) kernelNode.put(user + "/" + kernel.get("id").asText(), h.hostname());
    relay(response, r, h.hostname());
  }

  /** The kernel host that runs kernel {@code id}: remembered, or found by asking each host. */
  private Optional<KernelGateways.Host> hostOf(String user, KernelGateways.Target t, String id) {
    String known = kernelNode.get(user + "/" + id);
    if (known != null) return t.host(known);
    for (KernelGateways.Host h : t.hosts()) {
      HttpResponse<String> r = call(h, "GET", h.basePath() + "api/kernels/" + id, null);
      if (r != null && r.statusCode() == 200) {
        kernelNode.put(user + "/" + id, h.hostname());
        return Optional.of(h);
      }
    }
    return Optional.empty();
  }

  private HttpResponse<String> call(KernelGateways.Host h, String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ProxyRoute.origin(tls.httpScheme(), h.ip(), h.port()) + path))
        .timeout(TIMEOUT).header("Authorization", "token " + h.token())
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", "application/json");
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Sends the kernel host's answer on, kernel models renamed to the gateway's spec name. */
  private static void relay(HttpServletResponse response, HttpResponse<String> r, String hostname) throws IOException {
    response.setStatus(r.statusCode());
    r.headers().firstValue("Location").ifPresent(l -> response.setHeader("Location", l));
    String body = r.body();
    if (body == null || body.isBlank()) return;
    JsonNode json = parse(body);
    if (json instanceof ObjectNode o && o.has("id") && o.has("name")) o.put("name", specName(hostname));
    response.setContentType("application/json");
    response.getWriter().write(json.isMissingNode() ? body : json.toString());
  }

  private static JsonNode parse(String body) {
    try {
      return body == null || body.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(body);
    } catch (IOException e) {
      return MAPPER.missingNode();
    }
  }

  private static boolean presentsToken(HttpServletRequest request, String expected) {
    if (expected == null) return false;
    String header = request.getHeader("Authorization");
    if (header == null) return false;
    String given = header.startsWith("token ") ? header.substring(6).strip()
        : header.startsWith("Bearer ") ? header.substring(7).strip() : null;
    return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
        expected.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean xsrfMatches(HttpServletRequest request) {
    String header = request.getHeader("X-XSRFToken");
    if (header == null || request.getCookies() == null) return false;
    for (Cookie c : request.getCookies()) {
      if (c.getName().equals("_xsrf")) {
        return MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8), c.getValue().getBytes(StandardCharsets.UTF_8));
      }
    }
    return false;
  }

  private static boolean sameOrigin(HttpServletRequest request) {
    String origin = request.getHeader("Origin");
    if (origin == null) return true;
    String host = request.getHeader("Host");
    return host != null && (origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://" + host));
  }

  private static JsonNode error(String message) {
    return dev.gpuhub.server.http.ApiErrors.error(message);
  }

  private static void send(HttpServletResponse response, int status, JsonNode body) throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    response.getWriter().write(body.toString());
  }

  @Override
  public void destroy() {
    webSockets.close();
    super.destroy();
  }
}
