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
  /**
   * An oversize body is read and discarded up to this many bytes before the 413 is sent, so that a
   * client still sending it gets the answer instead of a broken pipe; beyond it the connection is
   * simply closed.
   */
  static final long DISCARD_LIMIT_BYTES = 16L << 20;

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
    return read(ctx, false);
  }

  /** Like {@link #read(Context)}, but an empty body is an empty JSON object (all fields optional). */
  public static JsonNode readOrEmpty(Context ctx) {
    return read(ctx, true);
  }

  private static JsonNode read(Context ctx, boolean emptyIsObject) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > MAX_BODY_BYTES) {
      if (declared <= DISCARD_LIMIT_BYTES) discardRest(ctx);
      throw new BodyTooLargeException(declared);
    }
    byte[] bytes;
    try {
      bytes = ctx.req().getInputStream().readNBytes(MAX_BODY_BYTES + 1);
    } catch (IOException e) {
      throw new InvalidPayloadException(null, "body could not be read: " + e.getMessage());
    }
    if (bytes.length > MAX_BODY_BYTES) {
      discardRest(ctx);
      throw new BodyTooLargeException(-1);
    }
    if (bytes.length == 0) {
      if (emptyIsObject) return WireJson.mapper().createObjectNode();
      throw new InvalidPayloadException(null, "body is empty; send a JSON object");
    }
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

  /**
   * The answer to a body whose declared length is over {@link #MAX_BODY_BYTES}, for readers that do
   * not go through {@link #read}: reads and discards the rest first (up to
   * {@link #DISCARD_LIMIT_BYTES}), so that a client still sending it gets the 413 instead of a broken pipe.
   */
  public static BodyTooLargeException tooLarge(Context ctx, long declared) {
    if (declared <= DISCARD_LIMIT_BYTES) discardRest(ctx);
    return new BodyTooLargeException(declared);
  }

  private static void discardRest(Context ctx) {
    try {
      var in = ctx.req().getInputStream();
      byte[] buffer = new byte[64 * 1024];
      long total = 0;
      int n;
      while (total < DISCARD_LIMIT_BYTES && (n = in.read(buffer)) > 0) total += n;
    } catch (IOException ignored) {
      // the client went away; nothing to answer
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
