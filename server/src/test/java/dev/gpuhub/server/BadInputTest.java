package dev.gpuhub.server;

import static dev.gpuhub.server.BadBodies.Kind.ARRAY;
import static dev.gpuhub.server.BadBodies.Kind.BOOL;
import static dev.gpuhub.server.BadBodies.Kind.INT;
import static dev.gpuhub.server.BadBodies.Kind.NUMBER;
import static dev.gpuhub.server.BadBodies.Kind.PERCENT;
import static dev.gpuhub.server.BadBodies.Kind.TEXT;
import static dev.gpuhub.server.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.server.BadBodies.Case;
import dev.gpuhub.server.BadBodies.Field;
import dev.gpuhub.wire.WireJson;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every POST/PUT endpoint gets generated bad bodies (well over 1,000 in all): each must get a 4xx
 * with a JSON {@code error} (naming the field where one field is wrong), nothing may be stored,
 * and the server must stay healthy.
 */
class BadInputTest {
  @TempDir Path dataDir;

  private static Field f(String path, BadBodies.Kind kind, double min, double max, boolean required) {
    return new Field(path, kind, min, max, required, null);
  }

  private static final List<Field> HEARTBEAT_FIELDS = List.of(
      new Field("hostname", TEXT, 0, 0, true, "bad host:name"),
      new Field("ip", TEXT, 0, 0, true, "300.1.2.3"),
      f("cpu_cores", INT, 1, 100_000, true),
      f("ram_gb", NUMBER, 0, 1_000_000, true),
      f("cpu_usage_percent", PERCENT, 0, 100, false),
      f("memory_usage_percent", PERCENT, 0, 100, false),
      f("disk_usage_percent", PERCENT, 0, 100, false),
      f("has_gpu", BOOL, 0, 0, false),
      f("gpu_info", ARRAY, 0, 0, false),
      f("max_containers", INT, 1, 100_000, false),
      f("is_active", BOOL, 0, 0, false),
      f("total_containers", INT, 0, 1_000_000, false),
      f("active_jupyterlab", INT, 0, 1_000_000, false),
      f("active_ray", INT, 0, 1_000_000, false),
      new Field("last_updated", TEXT, 0, 0, false, "yesterday"),
      f("gpu_info[0].name", TEXT, 0, 0, true),
      f("gpu_info[0].index", INT, 0, 1024, true),
      new Field("gpu_info[0].uuid", TEXT, 0, 0, true, "GPU 0 with spaces"),
      f("gpu_info[0].memory_total_mb", INT, 0, 100_000_000, false),
      f("gpu_info[0].memory_used_mb", INT, 0, 100_000_000, false),
      f("gpu_info[0].memory_util_percent", PERCENT, 0, 100, false),
      f("gpu_info[0].utilization_gpu_percent", PERCENT, 0, 100, false),
      f("gpu_info[0].temperature_gpu", NUMBER, -100, 300, false));

  private static final List<Field> SELECT_FIELDS = List.of(
      new Field("profile_id", BadBodies.Kind.ID, 0, 0, true, null),
      new Field("user_id", TEXT, 0, 0, true, null),
      f("session_id", TEXT, 0, 0, false),
      f("num_nodes", INT, 1, 1000, false),
      new Field("algorithm", TEXT, 0, 0, false, "fastest_first"),
      f("strict", BOOL, 0, 0, false));

  private static List<Field> profileFields(boolean create) {
    return List.of(
        new Field("name", TEXT, 0, 0, create, "Has Spaces"),
        f("display_name", TEXT, 0, 0, false),
        f("description", TEXT, 0, 0, false),
        f("cpu_guarantee", NUMBER, 0.01, 10_000, create),
        f("mem_guarantee", NUMBER, 0.01, 100_000, create),
        f("cpu_limit", NUMBER, 0.01, 10_000, false),
        f("mem_limit", NUMBER, 0.01, 100_000, false),
        f("gpu_required", BOOL, 0, 0, false),
        f("min_nodes", INT, 1, 1000, false),
        f("max_nodes", INT, 1, 1000, false),
        f("max_cpu_usage", NUMBER, 1, 100, false),
        f("max_memory_usage", NUMBER, 1, 100, false));
  }

  @Test
  void everyWriteEndpointRejectsBadBodiesClearlyAndStoresNothing() throws Exception {
    Random random = new Random(20261122);
    try (RunningServer s = RunningServer.embedded(dataDir, Map.of())) {
      String profilesBefore = s.get("/profiles").body();
      long profileId = s.plane.discovery().profile("single-cpu").orElseThrow().id();

      ObjectNode heartbeat = (ObjectNode) WireJson.mapper().readTree(Payloads.heartbeat("valid-node", 10, 20, 1, 0));
      ObjectNode select = (ObjectNode) WireJson.mapper().readTree(
          "{\"profile_id\":\"single-cpu\",\"user_id\":\"alice\",\"session_id\":\"s\",\"num_nodes\":1,\"algorithm\":\"random\",\"strict\":false}");
      ObjectNode profile = (ObjectNode) WireJson.mapper().readTree(
          "{\"name\":\"new-profile\",\"display_name\":\"New\",\"description\":\"d\",\"cpu_guarantee\":2,"
              + "\"mem_guarantee\":4,\"cpu_limit\":10000,\"mem_limit\":100000,\"gpu_required\":false,\"min_nodes\":1,\"max_nodes\":2,\"max_cpu_usage\":80,\"max_memory_usage\":85}");

      int sent = 0;
      sent += check(s, "POST /register-node", BadBodies.generate(heartbeat, HEARTBEAT_FIELDS, random, 150),
          body -> s.postBytes("/register-node", body));
      sent += check(s, "POST /select-nodes", BadBodies.generate(select, SELECT_FIELDS, random, 150),
          body -> s.postBytes("/select-nodes", body));
      sent += check(s, "POST /profiles", BadBodies.generate(profile, profileFields(true), random, 150),
          body -> s.postBytes("/profiles", body));
      sent += check(s, "PUT /profiles/" + profileId, BadBodies.generate(profile, profileFields(false), random, 150),
          body -> s.putBytes("/profiles/" + profileId, body));
      System.out.println("BadInputTest: " + sent + " bad bodies sent, every one answered 4xx with a JSON error");
      assertThat(sent).isGreaterThanOrEqualTo(1000);

      // Nothing was stored...
      s.flushWrites();
      assertThat(json(s.get("/all-nodes")).get("total_nodes").asInt()).isZero();
      assertThat(s.plane.discovery().liveNodes()).isEmpty();
      assertThat(s.get("/profiles").body()).isEqualTo(profilesBefore);
      assertThat(s.plane.stores().repository().recentSelections(10)).isEmpty();
      // ...and the server is still healthy and works.
      assertThat(s.get("/health-check").statusCode()).isEqualTo(200);
      assertThat(s.post("/register-node", heartbeat.toString()).statusCode()).isEqualTo(200);
      assertThat(s.post("/select-nodes", select.toString()).statusCode()).isEqualTo(200);
      assertThat(s.get("/metrics").body()).contains("gpuhub_heartbeats_rejected_total");
    }
  }

  private static int check(RunningServer s, String endpoint, List<Case> cases, Function<byte[], HttpResponse<String>> send) {
    List<String> failures = new ArrayList<>();
    for (Case c : cases) {
      HttpResponse<String> r = send.apply(c.body());
      String problem = BadBodies.problem(endpoint, c, r.statusCode(), r.body(), String::equals);
      if (problem != null) failures.add(problem);
    }
    assertThat(failures).as(endpoint + ": %d of %d cases", failures.size(), cases.size()).isEmpty();
    return cases.size();
  }

}
