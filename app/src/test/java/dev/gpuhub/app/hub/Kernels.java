package dev.gpuhub.app.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.wire.WireJson;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Runs code in a Jupyter kernel over its channels WebSocket (message protocol 5.3). */
final class Kernels {
  private Kernels() {}

  /** Executes {@code code} and returns what it printed on stdout (waits at most 60 s). */
  static String execute(HubClient client, String wsUrl, String code) throws Exception {
    LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
    StringBuilder partial = new StringBuilder();
    WebSocket ws = client.http.newWebSocketBuilder().header("Cookie", client.cookieHeader())
        .buildAsync(URI.create(wsUrl), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              messages.add(partial.toString());
              partial.setLength(0);
            }
            webSocket.request(1);
            return CompletableFuture.completedFuture(null);
          }
        }).get(30, TimeUnit.SECONDS);
    String msgId = UUID.randomUUID().toString();
    ObjectNode msg = WireJson.mapper().createObjectNode();
    msg.putObject("header").put("msg_id", msgId).put("username", "test").put("session", UUID.randomUUID().toString())
        .put("msg_type", "execute_request").put("version", "5.3").put("date", Instant.now().toString());
    msg.putObject("parent_header");
    msg.putObject("metadata");
    msg.putObject("content").put("code", code).put("silent", false).put("store_history", true)
        .put("allow_stdin", false).put("stop_on_error", true).putObject("user_expressions");
    msg.put("channel", "shell");
    msg.putArray("buffers");
    ws.sendText(msg.toString(), true).get(10, TimeUnit.SECONDS);
    StringBuilder stdout = new StringBuilder();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String raw = messages.poll(1, TimeUnit.SECONDS);
      if (raw == null) continue;
      JsonNode m = WireJson.mapper().readTree(raw);
      if (!msgId.equals(m.path("parent_header").path("msg_id").asText())) continue;
      String type = m.path("msg_type").asText(m.path("header").path("msg_type").asText());
      if (type.equals("stream") && "stdout".equals(m.path("content").path("name").asText())) {
        stdout.append(m.path("content").path("text").asText());
      }
      if (type.equals("error")) throw new AssertionError("kernel error: " + m.path("content"));
      if (type.equals("status") && "idle".equals(m.path("content").path("execution_state").asText()) && stdout.length() > 0) {
        break;
      }
    }
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    return stdout.toString();
  }
}
