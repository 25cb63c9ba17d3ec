package dev.gpuhub.wire.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.JsonFields;
import dev.gpuhub.wire.WireJson;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The node API's wire contract, read and written the same way on both sides: the control plane
 * writes {@link ContainerRequest}s and reads {@link ContainerView}s; the agent reads requests and
 * writes views. Requests are read strictly (unknown fields and wrong types are refused with an
 * {@link InvalidPayloadException} naming the field); views are read leniently, so a newer agent
 * may add fields.
 */
public final class NodeApiJson {
  /** Every field of a container request. */
  public static final Set<String> REQUEST_FIELDS =
      Set.of("name", "image", "command", "env", "labels", "cpus", "memory_bytes", "gpu_device_uuids", "ports", "files", "volumes",
          "cpu_guarantee", "memory_reservation_bytes");
  /** Every field of one of a request's volumes. */
  public static final Set<String> VOLUME_FIELDS = Set.of("volume", "path", "target", "read_only");
  /** Highest TCP port. */
  private static final int MAX_PORT = 65_535;
  /** The list answer's one field. */
  public static final String CONTAINERS = "containers";
  private static final ObjectMapper MAPPER = WireJson.mapper();

  private NodeApiJson() {}

  /** The request as a JSON body (the wire's snake_case names of its components). */
  public static String write(ContainerRequest request) {
    return MAPPER.valueToTree(request).toString();
  }

  /**
   * The request in {@code body}; only name and image are required, JSON null counts as absent.
   *
   * @throws InvalidPayloadException for a body that is not a JSON object, a missing, unknown or
   *     wrongly typed field (the field is named)
   */
  public static ContainerRequest readRequest(byte[] body) {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidPayloadException(null, "body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidPayloadException(null, "body could not be read: " + e.getMessage());
    }
    JsonFields f = JsonFields.of(root, null).acceptOnly(REQUEST_FIELDS);
    return new ContainerRequest(f.requireText("name", Integer.MAX_VALUE, null, null),
        f.requireText("image", Integer.MAX_VALUE, null, null), f.optionalStringList("command"),
        f.optionalStringMap("env"), f.optionalStringMap("labels"),
        f.optionalDouble("cpus", -Double.MAX_VALUE, Double.MAX_VALUE, 0),
        f.optionalLong("memory_bytes", Long.MIN_VALUE, Long.MAX_VALUE, 0), f.optionalStringList("gpu_device_uuids"),
        f.optionalIntList("ports", 1, MAX_PORT), f.optionalStringMap("files"), volumes(root.get("volumes")),
        f.optionalDouble("cpu_guarantee", -Double.MAX_VALUE, Double.MAX_VALUE, 0),
        f.optionalLong("memory_reservation_bytes", Long.MIN_VALUE, Long.MAX_VALUE, 0));
  }

  /** The request's volumes: an array of {@code {volume, target, read_only}}; absent or null = none. */
  private static List<ContainerRequest.Volume> volumes(JsonNode node) {
    if (node == null || node.isNull()) return List.of();
    if (!node.isArray()) throw new InvalidPayloadException("volumes", "volumes must be an array of {volume, target, read_only}");
    List<ContainerRequest.Volume> out = new ArrayList<>();
    for (JsonNode v : node) {
      if (!v.isObject()) throw new InvalidPayloadException("volumes", "volumes must be an array of {volume, target, read_only}");
      java.util.Iterator<String> names = v.fieldNames();
      while (names.hasNext()) {
        String n = names.next();
        if (!VOLUME_FIELDS.contains(n)) throw new InvalidPayloadException("volumes", "volumes: unknown field '" + n + "'");
      }
      JsonNode name = v.get("volume");
      JsonNode path = v.get("path");
      JsonNode target = v.get("target");
      JsonNode readOnly = v.get("read_only");
      boolean hasName = name != null && !name.isNull();
      boolean hasPath = path != null && !path.isNull();
      if (hasName == hasPath || (hasName && !name.isTextual()) || (hasPath && !path.isTextual()) || target == null
          || !target.isTextual() || (readOnly != null && !readOnly.isNull() && !readOnly.isBoolean())) {
        throw new InvalidPayloadException("volumes", "volumes: each needs a text volume or path (one of them), a text "
            + "target, and read_only true or false");
      }
      out.add(new ContainerRequest.Volume(hasName ? name.asText() : null, hasPath ? path.asText() : null, target.asText(),
          readOnly != null && readOnly.asBoolean()));
    }
    return out;
  }

  /** The view as a JSON object (absent exit code and start time as JSON null). */
  public static ObjectNode toJson(ContainerView view) {
    return MAPPER.valueToTree(view);
  }

  /** The list answer: {@code {"containers": [view...]}}. */
  public static ObjectNode listJson(List<ContainerView> views) {
    ObjectNode o = MAPPER.createObjectNode();
    ArrayNode a = o.putArray(CONTAINERS);
    views.forEach(v -> a.add(toJson(v)));
    return o;
  }

  /**
   * A view read from an agent's answer.
   *
   * @throws InvalidPayloadException when it lacks an id or a field has the wrong type
   */
  public static ContainerView readView(JsonNode json) {
    JsonFields f = JsonFields.of(json, null);
    Long exit = f.nullableLong("exit_code", Integer.MIN_VALUE, Integer.MAX_VALUE);
    String started = f.optionalText("started_at", 64, null);
    Instant startedAt;
    try {
      startedAt = started == null ? null : Instant.parse(started);
    } catch (DateTimeParseException e) {
      throw new InvalidPayloadException("started_at", "is not an ISO-8601 instant: " + started);
    }
    return new ContainerView(f.requireText("id", 256, null, null), f.optionalText("name", 256, ""),
        f.optionalText("image", 512, ""), f.optionalText("state", 64, ""), exit == null ? null : exit.intValue(),
        startedAt, f.optionalStringMap("labels"));
  }

  /** The views of a list answer. */
  public static List<ContainerView> readList(JsonNode json) {
    JsonNode a = json == null ? null : json.get(CONTAINERS);
    if (a == null || !a.isArray()) throw new InvalidPayloadException(CONTAINERS, "must be an array of containers");
    List<ContainerView> out = new ArrayList<>(a.size());
    for (JsonNode c : a) out.add(readView(c));
    return out;
  }
}
