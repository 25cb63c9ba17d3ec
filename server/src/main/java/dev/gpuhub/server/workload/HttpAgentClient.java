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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@link AgentClient} over HTTP: every call carries the shared agent token as a bearer token. */
public final class HttpAgentClient implements AgentClient {
  private static final ObjectMapper MAPPER = WireJson.mapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final String token;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  public HttpAgentClient(String token) {
    this.token = token;
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
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.url() + path))
        .timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AgentCallException("the agent at " + node.url() + " is not reachable: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentCallException("interrupted while calling the agent at " + node.url());
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
