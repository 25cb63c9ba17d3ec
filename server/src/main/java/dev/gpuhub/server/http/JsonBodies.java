package dev.gpuhub.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.WireJson;
import io.javalin.http.Context;
import java.io.IOException;

/** Reads request bodies as JSON, strictly: one JSON value, nothing after it, at most {@link #MAX_BODY_BYTES}. */
public final class JsonBodies {
  /** Largest accepted request body: 1 MiB. */
  public static final int MAX_BODY_BYTES = 1 << 20;

  private static final ObjectReader READER = WireJson.mapper().reader()
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonBodies() {}

  /**
   * The body as a JSON tree.
   *
   * @throws BodyTooLargeException over {@link #MAX_BODY_BYTES}
   * @throws InvalidPayloadException when it is empty or not valid JSON
   */
  public static JsonNode read(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > MAX_BODY_BYTES) throw new BodyTooLargeException(declared);
    byte[] bytes;
    try {
      bytes = ctx.req().getInputStream().readNBytes(MAX_BODY_BYTES + 1);
    } catch (IOException e) {
      throw new InvalidPayloadException(null, "body could not be read: " + e.getMessage());
    }
    if (bytes.length > MAX_BODY_BYTES) throw new BodyTooLargeException(-1);
    if (bytes.length == 0) throw new InvalidPayloadException(null, "body is empty; send a JSON object");
    try {
      JsonNode node = READER.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw new InvalidPayloadException(null, "body is empty; send a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new InvalidPayloadException(null, "body is not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ")"));
    } catch (IOException e) {
      throw new InvalidPayloadException(null, "body could not be read: " + e.getMessage());
    }
  }

  /** A body over the size limit (HTTP 413). */
  public static final class BodyTooLargeException extends RuntimeException {
    public BodyTooLargeException(long declared) {
      super((declared > 0 ? "body is " + declared + " bytes" : "body is larger than the limit")
          + "; at most " + MAX_BODY_BYTES + " bytes (1 MiB) are accepted");
    }
  }
}
