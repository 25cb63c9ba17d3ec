package dev.gpuhub.server.hub.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.gpuhub.server.http.JsonBodies;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.WireJson;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * JSON bodies of the user API: one JSON object, possibly absent where JupyterHub allows that, at
 * most {@link JsonBodies#MAX_BODY_BYTES}; typed optional fields. Unlike {@link JsonBodies} it reads
 * the body through Javalin's cache, which the XSRF check may have filled. Failures are
 * {@link InvalidPayloadException} (400) naming the field and what is accepted.
 */
final class ApiBodies {
  private static final ObjectReader READER = WireJson.mapper().reader()
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ApiBodies() {}

  /**
   * The body as a JSON object; an empty body is an empty object unless {@code required}.
   *
   * @throws JsonBodies.BodyTooLargeException over the size limit
   */
  static JsonNode object(Context ctx, boolean required) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > JsonBodies.MAX_BODY_BYTES) throw JsonBodies.tooLarge(ctx, declared);
    byte[] bytes = ctx.bodyAsBytes(); // cached by Javalin: a form check may have read it already
    if (bytes.length > JsonBodies.MAX_BODY_BYTES) throw new JsonBodies.BodyTooLargeException(-1);
    if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
      if (required) throw new InvalidPayloadException(null, "body is empty; send a JSON object");
      return WireJson.mapper().createObjectNode();
    }
    try {
      JsonNode node = READER.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new InvalidPayloadException(null, "body must be a JSON object, such as {\"admin\": true}");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new InvalidPayloadException(null, "body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidPayloadException(null, "body could not be read: " + e.getMessage());
    }
  }

  /** Field {@code name} as a boolean, {@code fallback} when absent or null. */
  static boolean bool(JsonNode body, String name, boolean fallback) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) return fallback;
    if (!v.isBoolean()) throw new InvalidPayloadException(name, "must be true or false, was " + v);
    return v.booleanValue();
  }

  /** Field {@code name} as a string, null when absent or null. */
  static String text(JsonNode body, String name) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) return null;
    if (!v.isTextual()) throw new InvalidPayloadException(name, "must be a string");
    return v.textValue();
  }

  /** Field {@code name} as an integer from 1 to {@code max}, null when absent or null. */
  static Long positiveLong(JsonNode body, String name, long max) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) return null;
    if (!v.canConvertToExactIntegral() || !v.canConvertToLong() || v.asLong() < 1 || v.asLong() > max) {
      throw new InvalidPayloadException(name, "must be a whole number of seconds from 1 to " + max
          + ", was " + v);
    }
    return v.asLong();
  }
}
