package dev.gpuhub.server.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.core.allocation.PlacementPolicy;
import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.JsonFields;
import java.util.regex.Pattern;

/**
 * Validates profile bodies of {@code POST /profiles} (create: {@code name}, {@code cpu_requirement}
 * and {@code ram_requirement} required) and {@code PUT /profiles/{id}} (update: any subset of the
 * fields, merged over the stored profile, then validated as a whole).
 */
public final class ProfileParser {
  /** Profile names: lower-case letters, digits and '-', starting with a letter or digit. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private ProfileParser() {}

  public static Profile forCreate(JsonNode body) {
    JsonFields f = JsonFields.of(body, null);
    String name = f.requireText("name", 63, NAME, "a profile name (lower-case letters, digits, '-')");
    if (!f.has("cpu_requirement")) throw f.missing("cpu_requirement");
    if (!f.has("ram_requirement")) throw f.missing("ram_requirement");
    Profile base = new Profile(0, name, name, "", 1, 1, false, 1, 1,
        Profile.DEFAULT_MAX_CPU_USAGE, Profile.DEFAULT_MAX_MEMORY_USAGE);
    boolean maxGiven = f.has("max_nodes");
    Profile merged = merge(f, base);
    if (!maxGiven) merged = withMaxNodes(merged, merged.minNodes());
    return checkRange(merged);
  }

  public static Profile forUpdate(JsonNode body, Profile existing) {
    JsonFields f = JsonFields.of(body, null);
    return checkRange(merge(f, existing));
  }

  private static Profile merge(JsonFields f, Profile p) {
    return new Profile(
        p.id(),
        f.has("name") ? f.requireText("name", 63, NAME, "a profile name (lower-case letters, digits, '-')") : p.name(),
        f.optionalText("display_name", 100, f.has("name") && p.displayName().equals(p.name()) ? f.raw("name").asText() : p.displayName()),
        f.optionalText("description", 1000, p.description()),
        f.optionalDouble("cpu_requirement", 0.01, 10_000, p.cpuRequirement()),
        f.optionalDouble("ram_requirement", 0.01, 100_000, p.ramRequirement()),
        f.optionalBoolean("gpu_required", p.gpuRequired()),
        (int) f.optionalLong("min_nodes", 1, 1000, p.minNodes()),
        (int) f.optionalLong("max_nodes", 1, 1000, p.maxNodes()),
        f.optionalDouble("max_cpu_usage", 1, 100, p.maxCpuUsage()),
        f.optionalDouble("max_memory_usage", 1, 100, p.maxMemoryUsage()),
        policy(f, p.placementPolicy()));
  }

  /** {@code placement_policy}: a policy name, or null / "" for the server's default. */
  private static String policy(JsonFields f, String current) {
    JsonNode v = f.raw("placement_policy");
    if (v == null) return current;
    if (v.isNull() || (v.isTextual() && v.asText().isBlank())) return null;
    if (!v.isTextual()) throw new InvalidPayloadException("placement_policy", "must be a string: one of " + PlacementPolicy.names());
    try {
      return PlacementPolicy.fromWireName(v.asText()).wireName();
    } catch (IllegalArgumentException e) {
      throw new InvalidPayloadException("placement_policy", "is " + e.getMessage().replace("unknown placement policy", "an unknown policy"));
    }
  }

  private static Profile checkRange(Profile p) {
    if (p.maxNodes() < p.minNodes()) {
      throw new InvalidPayloadException("max_nodes", "must be at least min_nodes (" + p.minNodes() + "), got " + p.maxNodes());
    }
    return p;
  }

  private static Profile withMaxNodes(Profile p, int max) {
    return new Profile(p.id(), p.name(), p.displayName(), p.description(), p.cpuRequirement(),
        p.ramRequirement(), p.gpuRequired(), p.minNodes(), max, p.maxCpuUsage(), p.maxMemoryUsage(), p.placementPolicy());
  }
}
