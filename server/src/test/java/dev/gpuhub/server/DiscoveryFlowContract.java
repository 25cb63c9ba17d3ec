package dev.gpuhub.server;

import static dev.gpuhub.server.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.core.placement.NodeSelection;
import dev.gpuhub.wire.AgentAuth;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The discovery service's flows through HTTP, run against each store combination by subclasses:
 * register, available, TTL expiry, sweep, inactive, all-nodes; selections; profiles CRUD; auth.
 */
abstract class DiscoveryFlowContract {

  /** A running server on the store under test with these extra settings. */
  abstract RunningServer start(Map<String, String> extra);

  /** The durable store's kind as /health-check reports it. */
  abstract String durableKind();

  @Test
  void registeredNodesExpireAfterTheirTtlAndTheSweepMarksThemInactive() throws Exception {
    try (RunningServer s = start(Map.of("REDIS_EXPIRE_SECONDS", "2", "GPUHUB_SWEEP_SECONDS", "1"))) {
      assertThat(s.post("/register-node", Payloads.heartbeat("node-a", 0.8, 15.7, 0, 0)).statusCode()).isEqualTo(200);
      assertThat(s.post("/register-node", Payloads.heartbeat("node-b", 13.7, 69.5, 0, 0)).statusCode()).isEqualTo(200);

      JsonNode available = json(s.get("/available-nodes"));
      assertThat(available.get("total_available_nodes").asInt()).isEqualTo(2);
      assertThat(available.get("all_available_nodes").findValuesAsText("hostname")).containsExactly("node-a", "node-b");
      assertThat(available.get("all_available_nodes").get(0).get("load_score").asDouble()).isEqualTo(13.2);
      assertThat(available.get("all_available_nodes").get(1).get("load_score").asDouble()).isEqualTo(66.56);
      assertThat(available.get("load_balancing").get("algorithm").asText()).isEqualTo("round_robin");
      assertThat(available.get("selected_nodes")).hasSize(1);

      // node-b keeps reporting; node-a falls silent and must disappear after its 2 s TTL.
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      boolean aGone = false;
      while (System.nanoTime() < deadline && !aGone) {
        s.post("/register-node", Payloads.heartbeat("node-b", 13.7, 69.5, 0, 0));
        List<String> live = json(s.get("/available-nodes")).get("all_available_nodes").findValuesAsText("hostname");
        assertThat(live).contains("node-b");
        aGone = !live.contains("node-a");
        Thread.sleep(300);
      }
      assertThat(aGone).as("node-a expired from live state").isTrue();

      // The 1 s sweep marks it inactive in the durable store; all-nodes still lists it.
      await(Duration.ofSeconds(10), () -> !isActive(s, "node-a"));
      JsonNode all = json(s.get("/all-nodes"));
      assertThat(all.get("nodes").findValuesAsText("hostname")).containsExactly("node-a", "node-b");
      assertThat(isActive(s, "node-b")).isTrue();
      assertThat(s.plane.stores().repository().recentMetrics("node-b", 100)).hasSizeGreaterThan(1);
    }
  }

  @Test
  void selectionsHoldReservationsUntilReleasedSoTheNextOneGoesElsewhere() {
    try (RunningServer s = start(Map.of())) {
      // 16 cores / 64 GB each: one single-gpu (2 cores, 4 GB guaranteed, 1 GPU) per GPU
      assertThat(s.post("/register-node", Payloads.heartbeat("g-1", 10, 10, 1, 0)).statusCode()).isEqualTo(200);
      assertThat(s.post("/register-node", Payloads.heartbeat("g-2", 50, 50, 1, 0)).statusCode()).isEqualTo(200);
      String body = "{\"profile_id\":\"single-gpu\",\"user_id\":\"u\",\"algorithm\":\"best_fit\"}";
      JsonNode first = json(s.post("/select-nodes", body));
      JsonNode second = json(s.post("/select-nodes", body));
      assertThat(first.get("primary_node").asText()).isEqualTo("g-1"); // best_fit: lowest load score first
      assertThat(second.get("primary_node").asText()).as("the stale score still says g-1; its GPU is held").isEqualTo("g-2");
      String owner = first.get("reservation").get("owner").asText();
      JsonNode held = first.get("reservation").get("reservations").get(0);
      assertThat(held.get("gpu_uuids").get(0).asText()).isEqualTo("GPU-g-1-0");
      assertThat(held.get("state").asText()).isEqualTo("held");
      HttpResponse<String> third = s.post("/select-nodes", body);
      assertThat(third.statusCode()).isEqualTo(409);
      assertThat(json(third).get("error").asText()).contains("g-1: 0 of 1 GPUs free; 1 needed (held by " + owner + ")");

      JsonNode listed = json(s.get("/reservations"));
      assertThat(listed.get("reservations")).hasSize(2);
      assertThat(listed.get("nodes").findValuesAsText("held_by")).contains(owner);

      HttpResponse<String> bind = s.post("/reservations/" + owner + "/bind", "{\"containers\":{\"g-1\":\"c-1\"}}");
      assertThat(bind.statusCode()).as(bind.body()).isEqualTo(200);
      assertThat(json(bind).get("reservations").get(0).get("state").asText()).isEqualTo("bound");
      assertThat(s.post("/reservations/" + owner + "/bind", "{\"containers\":[1]}").statusCode()).isEqualTo(400);
      assertThat(s.postWithoutToken("/reservations/" + owner + "/bind", "{}").statusCode()).isEqualTo(401);
      assertThat(s.delete("/reservations/" + owner).statusCode()).isEqualTo(200);
      assertThat(s.delete("/reservations/" + owner).statusCode()).isEqualTo(404);
      assertThat(json(s.post("/select-nodes", body)).get("primary_node").asText()).isEqualTo("g-1");
      assertThat(s.plane.stores().reservations().all()).hasSize(2); // durable: what the engine holds
    }
  }

  @Test
  void selectionsPickDistinctNodesAndAreRecorded() {
    try (RunningServer s = start(Map.of())) {
      s.post("/register-node", Payloads.heartbeat("cpu-1", 5, 20, 0, 1));
      s.post("/register-node", Payloads.heartbeat("cpu-2", 10, 30, 0, 2));
      s.post("/register-node", Payloads.heartbeat("gpu-1", 15, 40, 2, 0));

      HttpResponse<String> single = s.post("/select-nodes", "{\"profile_id\":\"single-cpu\",\"user_id\":\"alice\",\"session_id\":\"s1\"}");
      assertThat(single.statusCode()).as(single.body()).isEqualTo(200);
      assertThat(json(single).get("status").asText()).isEqualTo("ok");
      assertThat(json(single).get("count").asInt()).isEqualTo(1);

      long multiCpuId = s.plane.discovery().profile("multi-cpu").orElseThrow().id();
      HttpResponse<String> multi = s.post("/select-nodes",
          "{\"profile_id\":" + multiCpuId + ",\"user_id\":\"bob\",\"num_nodes\":3,\"algorithm\":\"best_fit\"}");
      assertThat(multi.statusCode()).as(multi.body()).isEqualTo(200);
      List<String> chosen = json(multi).get("selected_nodes").findValuesAsText("hostname");
      assertThat(chosen).containsExactly("cpu-1", "cpu-2", "gpu-1");

      HttpResponse<String> gpuShort = s.post("/select-nodes", "{\"profile_id\":\"multi-gpu\",\"user_id\":\"carol\",\"num_nodes\":2}");
      assertThat(gpuShort.statusCode()).isEqualTo(409);
      assertThat(json(gpuShort).get("error").asText())
          .isEqualTo("profile multi-gpu needs 2 GPU nodes with room for 2 cores, 8 GB and 1 GPU; 1 has room (cpu-1: no GPU; cpu-2: no GPU)");

      assertThat(s.post("/select-nodes", "{\"profile_id\":\"multi-cpu\",\"user_id\":\"bob\",\"num_nodes\":5}").statusCode()).isEqualTo(400);
      assertThat(s.post("/select-nodes", "{\"profile_id\":\"nope\",\"user_id\":\"bob\"}").statusCode()).isEqualTo(404);

      List<NodeSelection> recorded = s.plane.stores().repository().recentSelections(10);
      assertThat(recorded).hasSize(2);
      assertThat(recorded.get(0).userId()).isEqualTo("bob");
      assertThat(recorded.get(0).selectedNodes()).containsExactly("cpu-1", "cpu-2", "gpu-1");
      assertThat(recorded.get(0).selectionReason()).isEqualTo("best_fit");
      assertThat(recorded.get(1).userId()).isEqualTo("alice");
      assertThat(recorded.get(1).sessionId()).isEqualTo("s1");
      assertThat(recorded.get(1).selectedNodes()).hasSize(1);

      JsonNode forGpu = json(s.get("/jupyterhub-nodes?profile=single-gpu"));
      assertThat(forGpu.get("eligible_nodes").asInt()).isEqualTo(1);
      assertThat(forGpu.get("nodes").findValuesAsText("rejection_reason")).containsOnly("no GPU");
    }
  }

  @Test
  void profilesCrud() {
    try (RunningServer s = start(Map.of())) {
      JsonNode list = json(s.get("/profiles"));
      assertThat(list.get("profiles").findValuesAsText("name"))
          .containsExactlyInAnyOrder("single-cpu", "single-gpu", "multi-cpu", "multi-gpu");

      HttpResponse<String> created = s.post("/profiles",
          "{\"name\":\"big-gpu\",\"display_name\":\"Big GPU\",\"cpu_requirement\":16,\"ram_requirement\":64,"
              + "\"gpu_required\":true,\"min_nodes\":1,\"max_nodes\":2}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      long id = json(created).get("id").asLong();
      assertThat(json(s.get("/profiles/" + id)).get("display_name").asText()).isEqualTo("Big GPU");

      HttpResponse<String> dup = s.post("/profiles", "{\"name\":\"big-gpu\",\"cpu_requirement\":1,\"ram_requirement\":1}");
      assertThat(dup.statusCode()).isEqualTo(409);
      assertThat(json(dup).get("error").asText()).contains("big-gpu");

      HttpResponse<String> updated = s.put("/profiles/" + id, "{\"description\":\"two A100 nodes\",\"max_nodes\":3}");
      assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
      assertThat(json(updated).get("max_nodes").asInt()).isEqualTo(3);
      // created with the first release's names: they set the guarantees, and the limits equal them
      assertThat(json(updated).get("cpu_guarantee").asDouble()).isEqualTo(16.0);
      assertThat(json(updated).get("cpu_limit").asDouble()).isEqualTo(16.0);
      assertThat(json(updated).get("mem_limit").asDouble()).isEqualTo(64.0);
      HttpResponse<String> below = s.put("/profiles/" + id, "{\"cpu_limit\":8}");
      assertThat(below.statusCode()).isEqualTo(400);
      assertThat(json(below).get("field").asText()).isEqualTo("cpu_limit");
      assertThat(json(below).get("error").asText()).contains("cpu_guarantee (16)");
      HttpResponse<String> burst = s.put("/profiles/" + id, "{\"cpu_guarantee\":4,\"mem_limit\":128}");
      assertThat(burst.statusCode()).as(burst.body()).isEqualTo(200);
      com.fasterxml.jackson.databind.JsonNode stored = json(s.get("/profiles/" + id));
      assertThat(stored.get("cpu_guarantee").asDouble()).isEqualTo(4.0);
      assertThat(stored.get("cpu_limit").asDouble()).isEqualTo(16.0);
      assertThat(stored.get("mem_guarantee").asDouble()).isEqualTo(64.0);
      assertThat(stored.get("mem_limit").asDouble()).isEqualTo(128.0);

      HttpResponse<String> bad = s.put("/profiles/" + id, "{\"min_nodes\":5}");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(json(bad).get("field").asText()).isEqualTo("max_nodes");
      assertThat(json(s.get("/profiles/" + id)).get("min_nodes").asInt()).isEqualTo(1);

      assertThat(s.delete("/profiles/" + id).statusCode()).isEqualTo(200);
      assertThat(s.get("/profiles/" + id).statusCode()).isEqualTo(404);
      assertThat(s.delete("/profiles/" + id).statusCode()).isEqualTo(404);
      assertThat(json(s.get("/profiles")).get("profiles")).hasSize(4);
    }
  }

  @Test
  void writesNeedTheTokenAndTheServerProvesItKnowsIt() throws Exception {
    try (RunningServer s = start(Map.of())) {
      HttpResponse<String> anonymous = s.postWithoutToken("/register-node", Payloads.heartbeat("x", 1, 1, 0, 0));
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(json(anonymous).get("error").asText()).contains("GPUHUB_AGENT_TOKEN");
      assertThat(s.postWithoutToken("/profiles", "{}").statusCode()).isEqualTo(401);
      assertThat(s.postWithoutToken("/select-nodes", "{}").statusCode()).isEqualTo(401);
      assertThat(s.plane.discovery().liveNodes()).isEmpty();

      String nonce = AgentAuth.newNonce();
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(s.url + "/register-node"))
          .header("Authorization", "Bearer wrong-token-wrong-token")
          .header(AgentAuth.NONCE_HEADER, nonce)
          .POST(HttpRequest.BodyPublishers.ofString(Payloads.heartbeat("x", 1, 1, 0, 0))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue(AgentAuth.PROOF_HEADER)).isEmpty();

      HttpResponse<String> ok = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(s.url + "/register-node"))
          .header("Authorization", "Bearer " + s.token)
          .header(AgentAuth.NONCE_HEADER, nonce)
          .POST(HttpRequest.BodyPublishers.ofString(Payloads.heartbeat("x", 1, 1, 0, 0))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(AgentAuth.proofMatches(s.token, nonce, ok.headers().firstValue(AgentAuth.PROOF_HEADER).orElse(null))).isTrue();
    }
  }

  @Test
  void healthAndMetricsDescribeTheService() {
    try (RunningServer s = start(Map.of())) {
      s.post("/register-node", Payloads.heartbeat("m-1", 1, 1, 0, 0));
      s.post("/select-nodes", "{\"profile_id\":\"single-cpu\",\"user_id\":\"u\"}");
      JsonNode health = json(s.get("/health-check"));
      assertThat(health.get("status").asText()).isEqualTo("ok");
      assertThat(health.get("database").get("kind").asText()).isEqualTo(durableKind());
      String metrics = s.get("/metrics").body();
      assertThat(metrics).contains("gpuhub_heartbeats_total 1.0", "gpuhub_nodes{state=\"live\"} 1.0",
          "gpuhub_selection_seconds_bucket", "gpuhub_selection_seconds_count 1");
    }
  }

  private static boolean isActive(RunningServer s, String hostname) {
    for (JsonNode n : json(s.get("/all-nodes")).get("nodes")) {
      if (n.get("hostname").asText().equals(hostname)) return n.get("is_active").asBoolean();
    }
    throw new AssertionError(hostname + " missing from /all-nodes");
  }

  static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) return;
      Thread.sleep(200);
    }
    throw new AssertionError("condition not met within " + timeout);
  }
}
