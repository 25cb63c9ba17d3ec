package dev.gpuhub.server.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.core.allocation.PlacementPolicy;
import dev.gpuhub.core.profile.GpuConstraint;
import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.JsonFields;
import java.util.regex.Pattern;

/**
 * Validates profile bodies of {@code POST /profiles} (create: {@code name}, {@code cpu_guarantee}
 * and {@code mem_guarantee} required) and {@code PUT /profiles/{id}} (update: any subset of the
 * fields, merged over the stored profile, then validated as a whole). {@code cpu_requirement} and
 * {@code ram_requirement}, the first release's names, are accepted for the guarantees. A limit not
 * given is the guarantee on create and stays as it was on update; a limit below its guarantee is
 * refused with the limit named. {@code gpu_idle_minutes}: how long the profile's GPUs may stay idle
 * before they are given back (0: never; null: the hub's default).
 */
public final class ProfileParser {
  /** Profile names: lower-case letters, digits and '-', starting with a letter or digit. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private ProfileParser() {}

  public static Profile forCreate(JsonNode body) {
    JsonFields f = JsonFields.of(body, null);
    String name = f.requireText("name", 63, NAME, "a profile name (lower-case letters, digits, '-')");
    if (!f.has(CPU_GUARANTEE) && !f.has(CPU_OLD_NAME)) throw f.missing(CPU_GUARANTEE);
    if (!f.has(MEM_GUARANTEE) && !f.has(MEM_OLD_NAME)) throw f.missing(MEM_GUARANTEE);
    Profile base = new Profile(0, name, name, "", MIN_CPU, MIN_MEM, false, 1, 1,
        Profile.DEFAULT_MAX_CPU_USAGE, Profile.DEFAULT_MAX_MEMORY_USAGE);
    boolean maxGiven = f.has("max_nodes");
    Profile merged = merge(f, base, true);
    if (!maxGiven) merged = withMaxNodes(merged, merged.minNodes());
    return checkRange(merged);
  }

  public static Profile forUpdate(JsonNode body, Profile existing) {
    JsonFields f = JsonFields.of(body, null);
    return checkRange(merge(f, existing, false));
  }

  private static final String CPU_GUARANTEE = "cpu_guarantee";
  private static final String MEM_GUARANTEE = "mem_guarantee";
  private static final String CPU_OLD_NAME = "cpu_requirement";
  private static final String MEM_OLD_NAME = "ram_requirement";
  private static final double MIN_CPU = 0.01;
  private static final double MIN_MEM = 0.01;
  private static final double MAX_CPU = 10_000;
  private static final double MAX_MEM = 100_000;

  /** A guarantee under its name or the first release's, not both. */
  private static double guarantee(JsonFields f, String field, String oldName, double max, double fallback) {
    if (f.has(field) && f.has(oldName)) {
      throw new InvalidPayloadException(field, "give " + field + " or its old name " + oldName + ", not both");
    }
    return f.has(oldName) ? f.optionalDouble(oldName, MIN_CPU, max, fallback) : f.optionalDouble(field, MIN_CPU, max, fallback);
  }

  /** {@code creating}: a limit not given is the guarantee; else it stays as it was. */
  private static Profile merge(JsonFields f, Profile p, boolean creating) {
    double cpu = guarantee(f, CPU_GUARANTEE, CPU_OLD_NAME, MAX_CPU, p.cpuGuarantee());
    double mem = guarantee(f, MEM_GUARANTEE, MEM_OLD_NAME, MAX_MEM, p.memGuarantee());
    double cpuLimit = f.optionalDouble("cpu_limit", MIN_CPU, MAX_CPU, creating ? cpu : p.cpuLimit());
    double memLimit = f.optionalDouble("mem_limit", MIN_MEM, MAX_MEM, creating ? mem : p.memLimit());
    if (cpuLimit < cpu) {
      throw new InvalidPayloadException("cpu_limit", "must be at least cpu_guarantee (" + num(cpu) + "), got " + num(cpuLimit));
    }
    if (memLimit < mem) {
      throw new InvalidPayloadException("mem_limit", "must be at least mem_guarantee (" + num(mem) + " GB), got "
          + num(memLimit));
    }
    return new Profile(
        p.id(),
        f.has("name") ? f.requireText("name", 63, NAME, "a profile name (lower-case letters, digits, '-')") : p.name(),
        f.optionalText("display_name", 100, f.has("name") && p.displayName().equals(p.name()) ? f.raw("name").asText() : p.displayName()),
        f.optionalText("description", 1000, p.description()),
        cpu,
        mem,
        gpuCount(f, p.gpuCount()),
        (int) f.optionalLong("min_nodes", 1, 1000, p.minNodes()),
        (int) f.optionalLong("max_nodes", 1, 1000, p.maxNodes()),
        f.optionalDouble("max_cpu_usage", 1, 100, p.maxCpuUsage()),
        f.optionalDouble("max_memory_usage", 1, 100, p.maxMemoryUsage()),
        policy(f, p.placementPolicy()),
        cpuLimit,
        memLimit,
        gpuConstraint(f, p).model(),
        gpuConstraint(f, p).minMemoryGb(),
        groups(f, p.groups()),
        f.optionalBoolean("retired", p.retired()),
        gpuIdleMinutes(f, p.gpuIdleMinutes()));
  }

  /** {@code gpu_idle_minutes}: 0 (never) to a week, or null for the hub's default. */
  private static Double gpuIdleMinutes(JsonFields f, Double current) {
    JsonNode v = f.raw("gpu_idle_minutes");
    if (v == null) return current;
    if (v.isNull()) return null;
    if (!v.isNumber() || !(v.asDouble() >= 0 && v.asDouble() <= Profile.MAX_GPU_IDLE_MINUTES)) {
      throw new InvalidPayloadException("gpu_idle_minutes", "must be a number of minutes from 0 (never give idle GPUs"
          + " back) to " + (long) Profile.MAX_GPU_IDLE_MINUTES + ", or null for the hub's default; got " + v);
    }
    return v.asDouble();
  }

  /**
   * {@code p}, when every group it names exists.
   *
   * @throws InvalidPayloadException naming {@code groups} and the first group that does not exist
   */
  public static Profile checkGroups(Profile p, java.util.function.Predicate<String> groupExists) {
    for (String g : p.groups()) {
      if (!groupExists.test(g)) {
        throw new InvalidPayloadException("groups", "names group '" + g + "', which does not exist;"
            + " create it first (POST /hub/api/groups/" + g + ")");
      }
    }
    return p;
  }

  /**
   * {@code p}, when some node of the cluster has as many GPUs as it asks for on one node (or no node
   * is known yet, as on a fresh installation); {@code gpusPerNode} lists every known node's count.
   *
   * @throws InvalidPayloadException naming {@code gpu_count} and the most GPUs any node has
   */
  public static Profile checkGpus(Profile p, java.util.List<Integer> gpusPerNode) {
    if (p.gpuCount() == 0 || gpusPerNode.isEmpty()) return p;
    int most = gpusPerNode.stream().mapToInt(Integer::intValue).max().orElse(0);
    if (p.gpuCount() > most) {
      throw new InvalidPayloadException("gpu_count", "asks for " + p.gpuCount() + " GPUs on one node, but no node of this"
          + " hub has that many (the most any node has is " + most + ")");
    }
    return p;
  }

  /** Longest list of groups a profile may be limited to. */
  static final int MAX_GROUPS = 50;
  private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** {@code groups}: names of groups (as the hub's group API allows), [] or null for everyone. */
  private static java.util.List<String> groups(JsonFields f, java.util.List<String> current) {
    JsonNode v = f.raw("groups");
    if (v == null) return current;
    if (v.isNull()) return java.util.List.of();
    if (!v.isArray()) throw new InvalidPayloadException("groups", "must be an array of group names, [] for everyone");
    if (v.size() > MAX_GROUPS) throw new InvalidPayloadException("groups", "names " + v.size() + " groups; at most " + MAX_GROUPS);
    java.util.List<String> names = new java.util.ArrayList<>();
    for (JsonNode n : v) {
      if (!n.isTextual() || !GROUP.matcher(n.asText()).matches()) {
        throw new InvalidPayloadException("groups", "holds " + n + ", which is not a group name (1-64 letters, digits, '.', '_', '-')");
      }
      names.add(n.asText());
    }
    return names;
  }

  /** {@code gpu_count} (0 to 8), or the first release's {@code gpu_required} (one GPU or none), not both. */
  private static int gpuCount(JsonFields f, int current) {
    if (f.has("gpu_count") && f.has("gpu_required")) {
      throw new InvalidPayloadException("gpu_count", "give gpu_count or its old form gpu_required, not both");
    }
    if (f.has("gpu_required")) return f.optionalBoolean("gpu_required", current > 0) ? Math.max(1, current) : 0;
    return (int) f.optionalLong("gpu_count", 0, Profile.MAX_GPUS, current);
  }

  /** {@code gpu_model} (a pattern; null or "" for any) and {@code gpu_min_memory_gb}. */
  private static GpuConstraint gpuConstraint(JsonFields f, Profile p) {
    JsonNode model = f.raw("gpu_model");
    String pattern = p.gpuModel();
    if (model != null) {
      if (!model.isNull() && !model.isTextual()) throw new InvalidPayloadException("gpu_model", "must be a string such as '*A100*'");
      pattern = model.isNull() ? null : model.asText();
    }
    double minMemory = f.optionalDouble("gpu_min_memory_gb", 0, 10_000, p.gpuMinMemoryGb());
    try {
      return new GpuConstraint(pattern, minMemory);
    } catch (IllegalArgumentException e) {
      throw new InvalidPayloadException("gpu_model", e.getMessage().replaceFirst("^gpu_model ", ""));
    }
  }

  private static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
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
    return new Profile(p.id(), p.name(), p.displayName(), p.description(), p.cpuGuarantee(),
        p.memGuarantee(), p.gpuCount(), p.minNodes(), max, p.maxCpuUsage(), p.maxMemoryUsage(), p.placementPolicy(),
        p.cpuLimit(), p.memLimit(), p.gpuModel(), p.gpuMinMemoryGb(), p.groups(),
        p.retired(), p.gpuIdleMinutes());
  }
}
