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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One WebSocket to a Jupyter kernel ({@code /api/kernels/<id>/channels}) that runs code and waits
 * for its {@code execute_reply}. Not thread-safe: one caller at a time.
 */
public final class KernelChannel implements AutoCloseable {
  private static final ObjectMapper MAPPER = WireJson.mapper();

  private final WebSocket ws;
  private final LinkedBlockingQueue<JsonNode> replies;
  private final String session = UUID.randomUUID().toString();

  private KernelChannel(WebSocket ws, LinkedBlockingQueue<JsonNode> replies) {
    this.ws = ws;
    this.replies = replies;
  }

  /**
   * Opens the channel at {@code channelsUrl} ({@code ws://...}), sending {@code authorization} as the
   * {@code Authorization} header; waits at most {@code timeout} for the handshake.
   */
  public static KernelChannel open(String channelsUrl, String authorization, Duration timeout) throws Exception {
    LinkedBlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
    WebSocket ws = HttpClient.newBuilder().connectTimeout(timeout).build().newWebSocketBuilder()
        .header("Authorization", authorization).connectTimeout(timeout)
        .buildAsync(URI.create(channelsUrl), new WebSocket.Listener() {
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
        }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return new KernelChannel(ws, replies);
  }

  /**
   * Runs {@code code} and returns its reply's {@code content.status} ({@code ok} or {@code error});
   * throws when no reply comes within {@code timeout} or the socket is closed.
   */
  public String execute(String code, Duration timeout) throws Exception {
    String id = UUID.randomUUID().toString();
    ObjectNode m = MAPPER.createObjectNode();
    m.putObject("header").put("msg_id", id).put("username", "bench").put("session", session)
        .put("msg_type", "execute_request").put("version", "5.3").put("date", Instant.now().toString());
    m.putObject("parent_header");
    m.putObject("metadata");
    m.putObject("content").put("code", code).put("silent", false).put("store_history", false)
        .put("allow_stdin", false).put("stop_on_error", true).putObject("user_expressions");
    m.put("channel", "shell");
    m.putArray("buffers");
    long deadline = System.nanoTime() + timeout.toNanos();
    ws.sendText(MAPPER.writeValueAsString(m), true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    while (true) {
      long left = deadline - System.nanoTime();
      JsonNode reply = left <= 0 ? null : replies.poll(left, TimeUnit.NANOSECONDS);
      if (reply == null) {
        throw new IllegalStateException("no execute_reply within " + timeout.toMillis() + " ms"
            + (ws.isInputClosed() ? " (the socket is closed)" : ""));
      }
      if (id.equals(reply.path("parent_header").path("msg_id").asText())) return reply.path("content").path("status").asText();
    }
  }

  /** Whether the server or the network closed the socket. */
  public boolean isClosed() {
    return ws.isInputClosed() || ws.isOutputClosed();
  }

  @Override
  public void close() {
    try {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      ws.abort();
    }
  }
}
