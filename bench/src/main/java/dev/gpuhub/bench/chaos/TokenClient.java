package dev.gpuhub.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.wire.WireJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The hub's API (and users' servers behind it) as one API token's owner; each call waits 10 s at most. */
final class TokenClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  final String base;
  final String token;

  TokenClient(String base, String token) {
    this.base = base;
    this.token = token;
  }

  /** Sends {@code method path} with {@code Authorization: token ...} and a JSON body (none when null). */
  HttpResponse<String> call(String method, String path, String json) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
        .header("Authorization", "token " + token).header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code GET path} as JSON; throws on anything but 200. */
  JsonNode json(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = call("GET", path, null);
    if (r.statusCode() != 200) throw new IOException("GET " + path + ": " + r.statusCode() + " " + r.body());
    return WireJson.mapper().readTree(r.body());
  }
}
