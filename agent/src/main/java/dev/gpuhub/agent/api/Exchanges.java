package dev.gpuhub.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import dev.gpuhub.wire.WireJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small helpers around the JDK's {@link HttpExchange}: bounded bodies, JSON and text answers, query strings. */
final class Exchanges {
  private static final String JSON = "application/json; charset=utf-8";
  private static final String TEXT = "text/plain; charset=utf-8";
  /** Most bytes of an oversize body read and dropped before answering 413; beyond, the connection is cut. */
  static final long DISCARD_LIMIT_BYTES = 16L * 1024 * 1024;

  private Exchanges() {}

  /**
   * The request body, at most {@code maxBytes}. A larger body is read and discarded (up to
   * {@link #DISCARD_LIMIT_BYTES}) before the error answer, so that the client, still sending,
   * reads the 413 instead of a reset connection.
   *
   * @throws ApiException 413 when the body is larger than {@code maxBytes}
   */
  static byte[] readBody(HttpExchange exchange, int maxBytes) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(maxBytes + 1);
      if (body.length > maxBytes) {
        discard(in, DISCARD_LIMIT_BYTES);
        throw tooLarge(maxBytes);
      }
      return body;
    }
  }

  private static void discard(InputStream in, long limit) throws IOException {
    byte[] buffer = new byte[8192];
    long total = 0;
    int n;
    while (total < limit && (n = in.read(buffer)) >= 0) total += n;
  }

  private static ApiException tooLarge(int maxBytes) {
    return new ApiException(413, "request body is larger than " + maxBytes / 1024 + " KiB", null);
  }

  /** Answers {@code status} with {@code value} as JSON. */
  static void sendJson(HttpExchange exchange, int status, Object value) throws IOException {
    byte[] body;
    try {
      body = WireJson.mapper().writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IOException("could not write JSON answer", e);
    }
    send(exchange, status, JSON, body);
  }

  /** Answers {@code {"error": message}} plus {@code "field"} when it is not null. */
  static void sendError(HttpExchange exchange, int status, String message, String field) throws IOException {
    Map<String, String> error = new LinkedHashMap<>();
    error.put("error", message);
    if (field != null) error.put("field", field);
    sendJson(exchange, status, error);
  }

  static void sendText(HttpExchange exchange, int status, String text) throws IOException {
    send(exchange, status, TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** The decoded query parameters (first value wins). */
  static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> params = new HashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) return params;
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      params.putIfAbsent(key, value);
    }
    return params;
  }

  static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "'" + s + "' is not valid percent-encoding", null);
    }
  }
}
