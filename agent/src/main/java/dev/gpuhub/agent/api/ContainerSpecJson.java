package dev.gpuhub.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.runtime.InvalidContainerSpecException;
import dev.gpuhub.wire.WireJson;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the body of {@code POST /containers} into a {@link ContainerSpec}. Strict on purpose: a
 * field of the wrong type or an unknown field (a typo such as {@code "memory"} would otherwise
 * silently drop a limit) is refused with {@link ApiException} 400 naming the field. JSON
 * {@code null} counts as absent. The spec's own rules ({@link ContainerSpec}) are checked too.
 */
final class ContainerSpecJson {
  static final Set<String> FIELDS =
      Set.of("name", "image", "command", "env", "labels", "cpus", "memory_bytes", "gpu_device_uuids");

  private ContainerSpecJson() {}

  /** The spec in {@code body}, or {@link ApiException} 400 with the offending field. */
  static ContainerSpec parse(byte[] body) {
    JsonNode root;
    try {
      root = WireJson.mapper().readTree(body);
    } catch (JsonProcessingException e) {
      throw new ApiException(400, "body is not valid JSON: " + e.getOriginalMessage(), null);
    } catch (java.io.IOException e) {
      throw new ApiException(400, "body could not be read: " + e.getMessage(), null);
    }
    if (root == null || !root.isObject()) {
      throw new ApiException(400, "body must be a JSON object with at least name and image", null);
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw ApiException.badField(field, "unknown field '" + field + "': accepted fields are " + FIELDS.stream().sorted().toList());
      }
    }
    try {
      return new ContainerSpec(requiredText(root, "name"), requiredText(root, "image"),
          stringList(root, "command"), stringMap(root, "env"), stringMap(root, "labels"),
          number(root, "cpus"), integer(root, "memory_bytes"), stringList(root, "gpu_device_uuids"));
    } catch (InvalidContainerSpecException e) {
      throw ApiException.badField(e.field(), e.getMessage());
    }
  }

  private static JsonNode present(JsonNode root, String field) {
    JsonNode n = root.get(field);
    return n == null || n.isNull() ? null : n;
  }

  private static String requiredText(JsonNode root, String field) {
    JsonNode n = present(root, field);
    if (n == null) throw ApiException.badField(field, field + " is required");
    if (!n.isTextual()) throw ApiException.badField(field, field + " must be a string");
    return n.textValue();
  }

  private static List<String> stringList(JsonNode root, String field) {
    JsonNode n = present(root, field);
    if (n == null) return List.of();
    if (!n.isArray()) throw ApiException.badField(field, field + " must be an array of strings");
    List<String> out = new ArrayList<>();
    for (JsonNode item : n) {
      if (!item.isTextual()) throw ApiException.badField(field, field + " must be an array of strings");
      out.add(item.textValue());
    }
    return out;
  }

  private static Map<String, String> stringMap(JsonNode root, String field) {
    JsonNode n = present(root, field);
    if (n == null) return Map.of();
    if (!n.isObject()) throw ApiException.badField(field, field + " must be an object of string values");
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw ApiException.badField(field, field + "." + e.getKey() + " must be a string");
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return out;
  }

  private static double number(JsonNode root, String field) {
    JsonNode n = present(root, field);
    if (n == null) return 0;
    if (!n.isNumber()) throw ApiException.badField(field, field + " must be a number");
    return n.doubleValue();
  }

  private static long integer(JsonNode root, String field) {
    JsonNode n = present(root, field);
    if (n == null) return 0;
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw ApiException.badField(field, field + " must be a whole number of bytes");
    }
    return n.longValue();
  }
}
