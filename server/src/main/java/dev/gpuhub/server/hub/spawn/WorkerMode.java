package dev.gpuhub.server.hub.spawn;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.wire.WireJson;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Worker mode of a multi-node profile (issue 7 item 4, seed 001's Ray workers): instead of kernel
 * hosts, the hub runs {@code headCommand} in the primary container next to the user's Jupyter server
 * and one container running {@code workerCommand} on every secondary node. Both are shell command
 * lines ({@code sh -c}) with placeholders {@code {primary_ip}} (the primary node's address),
 * {@code {port}} (a port the hub picks for the head on that address), {@code {node}} (the node the
 * command runs on) and {@code {user}}.
 *
 * <p>Configured on the server, not in the profile table: {@code GPUHUB_WORKER_PROFILES} is a JSON
 * object from profile name to {@code {"head_command": ..., "worker_command": ...}} (head optional),
 * e.g. {@code {"multi-cpu": {"head_command": "ray start --head --port={port} --block",
 * "worker_command": "ray start --address={primary_ip}:{port} --block"}}}.
 */
public record WorkerMode(String headCommand, String workerCommand) {
  public WorkerMode {
    if (workerCommand == null || workerCommand.isBlank()) throw new IllegalArgumentException("worker_command is required");
    if (headCommand != null && headCommand.isBlank()) headCommand = null;
  }

  /** {@code template} with the placeholders filled, as {@code sh -c} arguments. */
  public static List<String> shell(String template, String primaryIp, int port, String node, String user) {
    return List.of("sh", "-c", fill(template, primaryIp, port, node, user));
  }

  static String fill(String template, String primaryIp, int port, String node, String user) {
    return template.replace("{primary_ip}", primaryIp).replace("{port}", Integer.toString(port))
        .replace("{node}", node).replace("{user}", user);
  }

  /** The container name of a server's worker on {@code hostname}. */
  public static String containerName(dev.gpuhub.core.hub.ServerId id, String hostname) {
    return ServerContainers.name(id) + "-worker-" + hostname;
  }

  /** Parses {@code GPUHUB_WORKER_PROFILES}; blank means no profile runs in worker mode. */
  public static Map<String, WorkerMode> parse(String json) {
    if (json == null || json.isBlank()) return Map.of();
    JsonNode root;
    try {
      root = WireJson.mapper().readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("GPUHUB_WORKER_PROFILES is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("GPUHUB_WORKER_PROFILES must be a JSON object from profile name to commands");
    }
    Map<String, WorkerMode> out = new LinkedHashMap<>();
    for (var e : root.properties()) {
      JsonNode v = e.getValue();
      try {
        out.put(e.getKey(), new WorkerMode(v.path("head_command").isTextual() ? v.get("head_command").asText() : null,
            v.path("worker_command").isTextual() ? v.get("worker_command").asText() : null));
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException("GPUHUB_WORKER_PROFILES, profile " + e.getKey() + ": " + bad.getMessage());
      }
    }
    return Map.copyOf(out);
  }
}
