package dev.gpuhub.server.services;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.core.service.ServiceSpec;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.JsonFields;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Validates service bodies: {@code POST /hub/api/services} (name, image, request_threshold
 * required) and {@code PATCH /hub/api/services/<name>} (any subset, merged over the stored service).
 * Errors name the field; nothing is stored when one is thrown.
 */
final class ServiceBodies {
  private ServiceBodies() {}

  static ServiceSpec forCreate(JsonNode body) {
    JsonFields f = JsonFields.of(body, null);
    String name = f.requireText("name", 63, ServiceSpec.NAME, "a service name (lower-case letters, digits, '-')");
    if (!f.has("image")) throw f.missing("image");
    if (!f.has("request_threshold")) throw f.missing("request_threshold");
    return merge(f, new ServiceSpec(name, "placeholder", List.of(), 100, 128, 1, 1, 1, "round_robin"));
  }

  static ServiceSpec forUpdate(JsonNode body, ServiceSpec existing) {
    JsonFields f = JsonFields.of(body, null);
    if (f.has("name") && !f.raw("name").asText().equals(existing.name())) {
      throw new InvalidPayloadException("name", "cannot change; delete and declare the service again");
    }
    return merge(f, existing);
  }

  private static ServiceSpec merge(JsonFields f, ServiceSpec s) {
    int min = (int) f.optionalLong("min_replicas", 1, 1000, s.minReplicas());
    int max = (int) f.optionalLong("max_replicas", 1, 1000, f.has("min_replicas") && !f.has("max_replicas")
        ? Math.max(min, s.maxReplicas()) : s.maxReplicas());
    if (max < min) throw new InvalidPayloadException("max_replicas", "must be at least min_replicas (" + min + "), got " + max);
    String strategy = f.optionalText("strategy", 32, s.strategy());
    if (!ServiceSpec.STRATEGIES.contains(strategy)) {
      throw new InvalidPayloadException("strategy", "must be one of " + ServiceSpec.STRATEGIES + ", got '" + strategy + "'");
    }
    String image = f.optionalText("image", 255, s.image());
    if (image.isBlank()) throw new InvalidPayloadException("image", "must not be blank: give a container image such as nginx:1.27");
    return new ServiceSpec(s.name(), image, command(f, s.command()),
        (int) f.optionalLong("cpu_millicores", 1, 1_000_000, s.cpuMillicores()),
        (int) f.optionalLong("memory_mb", 1, 10_000_000, s.memoryMb()),
        f.optionalDouble("request_threshold", 0.001, 1e9, s.requestThreshold()), min, max, strategy);
  }

  /** {@code command}: a list of strings, or one string split at spaces; {@code {port}} is filled in per replica. */
  private static List<String> command(JsonFields f, List<String> current) {
    if (!f.has("command")) return current;
    JsonNode c = f.raw("command");
    if (c.isTextual()) return c.asText().isBlank() ? List.of() : Arrays.asList(c.asText().trim().split("\\s+"));
    if (!c.isArray()) throw new InvalidPayloadException("command", "must be a list of strings or one string");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < c.size(); i++) {
      if (!c.get(i).isTextual()) throw new InvalidPayloadException("command[" + i + "]", "must be a string");
      out.add(c.get(i).asText());
    }
    return out;
  }
}
