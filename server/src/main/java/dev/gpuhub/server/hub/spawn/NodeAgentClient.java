package dev.gpuhub.server.hub.spawn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.wire.WireJson;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The control plane's client of an agent's node API (the only way containers are started on a
 * node; there is no Docker TCP port). Every call carries the shared token. Failures are
 * {@link AgentCallException}s whose message names the node and the agent's own error text.
 */
public final class NodeAgentClient {
  private static final ObjectMapper MAPPER = WireJson.mapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** A container as the agent describes it. */
  public record Container(String id, String name, String image, String state, Integer exitCode, Map<String, String> labels) {
    public boolean running() {
      return "running".equalsIgnoreCase(state);
    }
  }

  /** What to start (host networking always). */
  public record Spec(String name, String image, List<String> command, Map<String, String> env,
                     Map<String, String> labels, double cpus, long memoryBytes, List<String> gpuDeviceUuids) {}

  private final String token;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  public NodeAgentClient(String token) {
    this.token = token;
  }

  /** Starts a container; returns its id. */
  public String start(String agentUrl, Spec spec) {
    ObjectNode body = MAPPER.valueToTree(spec);
    JsonNode answer = call(agentUrl, "POST", "/containers", body.toString(), 201);
    return answer.path("id").asText();
  }

  /** The container, or empty when the agent does not know it. */
  public Optional<Container> inspect(String agentUrl, String idOrName) {
    HttpResponse<String> r = send(agentUrl, "GET", "/containers/" + encode(idOrName), null);
    if (r.statusCode() == 404) return Optional.empty();
    return Optional.of(container(parse(agentUrl, r, 200)));
  }

  /** Every gpuhub-managed container carrying label {@code key}, running or not. */
  public List<Container> list(String agentUrl, String labelKey) {
    JsonNode answer = call(agentUrl, "GET", "/containers?label=" + encode(labelKey), null, 200);
    List<Container> out = new ArrayList<>();
    for (JsonNode c : answer.path("containers")) out.add(container(c));
    return out;
  }

  /** Stops and removes a container; a missing one is not an error. */
  public void remove(String agentUrl, String idOrName) {
    call(agentUrl, "DELETE", "/containers/" + encode(idOrName), null, 200);
  }

  /** The last lines of a container's output, or a note when they cannot be read. */
  public String logs(String agentUrl, String idOrName, int lines) {
    try {
      HttpResponse<String> r = send(agentUrl, "GET", "/containers/" + encode(idOrName) + "/logs?lines=" + lines, null);
      return r.statusCode() == 200 ? r.body() : "(no logs: agent answered " + r.statusCode() + ")";
    } catch (AgentCallException e) {
      return "(no logs: " + e.getMessage() + ")";
    }
  }

  private JsonNode call(String agentUrl, String method, String path, String body, int expected) {
    return parse(agentUrl, send(agentUrl, method, path, body), expected);
  }

  private HttpResponse<String> send(String agentUrl, String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(agentUrl + path))
        .timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AgentCallException("the agent at " + agentUrl + " is not reachable: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentCallException("interrupted while calling the agent at " + agentUrl);
    }
  }

  private static JsonNode parse(String agentUrl, HttpResponse<String> r, int expected) {
    JsonNode json;
    try {
      json = r.body() == null || r.body().isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(r.body());
    } catch (IOException e) {
      json = MAPPER.createObjectNode().put("error", r.body());
    }
    if (r.statusCode() != expected) {
      throw new AgentCallException("the agent at " + agentUrl + " answered " + r.statusCode() + ": "
          + json.path("error").asText(r.body()));
    }
    return json;
  }

  private static Container container(JsonNode c) {
    Map<String, String> labels = MAPPER.convertValue(c.path("labels"), MAPPER.getTypeFactory()
        .constructMapType(Map.class, String.class, String.class));
    return new Container(c.path("id").asText(), c.path("name").asText(), c.path("image").asText(),
        c.path("state").asText(), c.hasNonNull("exit_code") ? c.get("exit_code").asInt() : null,
        labels == null ? Map.of() : labels);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A node API call failed. */
  public static final class AgentCallException extends RuntimeException {
    public AgentCallException(String message) {
      super(message);
    }
  }
}
