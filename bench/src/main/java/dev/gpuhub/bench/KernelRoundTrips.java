package dev.gpuhub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.wire.WireJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Kernel message round trips over one WebSocket (Jupyter's {@code /api/kernels/<id>/channels}):
 * execute {@code 1+1}, wait for its {@code execute_reply}, again, for a fixed time; round trips per
 * second and the p50/p99 of their latency.
 */
final class KernelRoundTrips {
  private static final ObjectMapper MAPPER = WireJson.mapper();

  /** What one measurement saw. */
  record Result(double perSecond, double p50Ms, double p99Ms, int count) {}

  private KernelRoundTrips() {}

  /**
   * Measures round trips on {@code channelsUrl} ({@code ws://...}) for {@code seconds}, sending
   * {@code authorization} as the {@code Authorization} header.
   */
  static Result measure(String channelsUrl, String authorization, int seconds) throws Exception {
    LinkedBlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", authorization)
        .connectTimeout(Duration.ofSeconds(10)).buildAsync(URI.create(channelsUrl), new WebSocket.Listener() {
          private final StringBuilder partial = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              try {
                JsonNode m = MAPPER.readTree(partial.toString());
                if ("execute_reply".equals(m.path("header").path("msg_type").asText())) replies.add(m);
              } catch (java.io.IOException e) {
                // not a message of ours
              }
              partial.setLength(0);
            }
            socket.request(1);
            return CompletableFuture.completedFuture(null);
          }
        }).get(10, TimeUnit.SECONDS);
    String session = UUID.randomUUID().toString();
    try {
      roundTrip(ws, replies, session); // the first one warms the kernel
      List<Double> latencies = new ArrayList<>();
      Instant end = Instant.now().plusSeconds(seconds);
      long started = System.nanoTime();
      while (Instant.now().isBefore(end)) latencies.add(roundTrip(ws, replies, session));
      double elapsed = (System.nanoTime() - started) / 1e9;
      Collections.sort(latencies);
      return new Result(latencies.size() / elapsed, percentile(latencies, 0.50), percentile(latencies, 0.99),
          latencies.size());
    } finally {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    }
  }

  /** One execute request and its reply; returns the milliseconds it took. */
  private static double roundTrip(WebSocket ws, LinkedBlockingQueue<JsonNode> replies, String session) throws Exception {
    String id = UUID.randomUUID().toString();
    ObjectNode m = MAPPER.createObjectNode();
    m.putObject("header").put("msg_id", id).put("username", "bench").put("session", session)
        .put("msg_type", "execute_request").put("version", "5.3").put("date", Instant.now().toString());
    m.putObject("parent_header");
    m.putObject("metadata");
    m.putObject("content").put("code", "1+1").put("silent", false).put("store_history", false)
        .put("allow_stdin", false).put("stop_on_error", true).putObject("user_expressions");
    m.put("channel", "shell");
    m.putArray("buffers");
    long t0 = System.nanoTime();
    ws.sendText(MAPPER.writeValueAsString(m), true).get(10, TimeUnit.SECONDS);
    while (true) {
      JsonNode reply = replies.poll(30, TimeUnit.SECONDS);
      if (reply == null) throw new IllegalStateException("no execute_reply within 30 s");
      if (id.equals(reply.path("parent_header").path("msg_id").asText())) return (System.nanoTime() - t0) / 1e6;
    }
  }

  private static double percentile(List<Double> sorted, double q) {
    if (sorted.isEmpty()) return Double.NaN;
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
  }
}
