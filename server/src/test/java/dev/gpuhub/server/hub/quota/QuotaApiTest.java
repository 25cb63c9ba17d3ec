package dev.gpuhub.server.hub.quota;

import static dev.gpuhub.server.hub.EmbeddedHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.core.quota.Usage;
import dev.gpuhub.server.hub.EmbeddedHubTest;
import dev.gpuhub.store.HubRepository;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Quotas and usage over HTTP: who may, shapes, bad input; the CSV and the metrics agree with the store. */
class QuotaApiTest extends EmbeddedHubTest {
  @BeforeEach
  void start() {
    assertThat(h.hub("POST", "/hub/api/groups/lab", root, "{\"users\": [\"alice\", \"bob\"]}").statusCode()).isEqualTo(201);
  }

  @Test
  void adminsSetQuotasForUsersAndGroupsAndNobodyElse() {
    HttpResponse<String> set = h.hub("PUT", "/hub/api/quotas/users/alice", root, "{\"max_gpus\": 1, \"gpu_hours\": 10}");
    assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    assertThat(json(set).toString()).isEqualTo(
        "{\"max_gpus\":1,\"max_servers\":null,\"gpu_hours\":10.0,\"scope\":\"user\",\"name\":\"alice\"}");
    assertThat(h.hub("PUT", "/hub/api/quotas/groups/lab", root, "{\"max_servers\": 3}").statusCode()).isEqualTo(200);
    assertThat(json(h.hub("GET", "/hub/api/quotas", root, null)).findValuesAsText("name")).containsExactly("lab", "alice");
    // alice sees her own usage and the quotas that apply to her; not bob's; bob cannot set quotas
    JsonNode mine = json(h.hub("GET", "/hub/api/users/alice/usage", alice, null));
    assertThat(mine.path("quotas").fieldNames()).toIterable().containsExactly("user alice", "group lab");
    assertThat(mine.path("period").asText()).isEqualTo("month");
    assertThat(h.hub("GET", "/hub/api/users/alice/usage", bob, null).statusCode()).isEqualTo(403);
    assertThat(h.hub("PUT", "/hub/api/quotas/users/bob", bob, "{\"max_gpus\": 100}").statusCode()).isEqualTo(403);
    assertThat(h.hub("GET", "/hub/api/quotas", bob, null).statusCode()).isEqualTo(403);
    assertThat(h.hub("GET", "/hub/api/usage.csv", bob, null).statusCode()).isEqualTo(403);
    // bad input names the field and stores nothing; unknown users and groups are 404
    HttpResponse<String> bad = h.hub("PUT", "/hub/api/quotas/users/bob", root, "{\"max_gpus\": -1}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad).path("error").asText()).contains("max_gpus");
    assertThat(h.hub("PUT", "/hub/api/quotas/users/bob", root, "{\"gpus\": 1}").statusCode()).isEqualTo(400);
    assertThat(h.hub("PUT", "/hub/api/quotas/users/nobody", root, "{\"max_gpus\": 1}").statusCode()).isEqualTo(404);
    assertThat(h.hub("PUT", "/hub/api/quotas/groups/none", root, "{\"max_gpus\": 1}").statusCode()).isEqualTo(404);
    assertThat(json(h.hub("GET", "/hub/api/quotas", root, null)).size()).isEqualTo(2);
    assertThat(h.hub("DELETE", "/hub/api/quotas/users/alice", root, null).statusCode()).isEqualTo(204);
    assertThat(h.hub("DELETE", "/hub/api/quotas/users/alice", root, null).statusCode()).isEqualTo(404);
  }

  @Test
  void theCsvAndTheMetricsAgreeWithTheStore() {
    HubRepository store = h.plane.stores().hub();
    Instant now = Instant.now();
    // two finished servers this period (the period starts at most 31 days ago; these ended minutes ago)
    store.usageStarted(new Usage("alice", "", "single-gpu", 2, 2, now.minusSeconds(1800), null));
    store.usageEnded("alice", "", now.minusSeconds(900));
    store.usageStarted(new Usage("bob", "", "single-cpu", 0, 0.5, now.minusSeconds(1200), null));
    store.usageEnded("bob", "", now.minusSeconds(600));
    JsonNode all = json(h.hub("GET", "/hub/api/usage", root, null));
    Instant periodStart = Instant.parse(all.path("period_start").asText());
    List<Usage> rows = store.usageSince(periodStart);
    double aliceGpuHours = rows.stream().filter(u -> u.user().equals("alice")).mapToDouble(u -> u.gpuSecondsWithin(periodStart, now)).sum() / 3600;
    double bobCoreHours = rows.stream().filter(u -> u.user().equals("bob")).mapToDouble(u -> u.coreSecondsWithin(periodStart, now)).sum() / 3600;
    assertThat(aliceGpuHours).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-6)); // 2 GPUs x 15 min
    assertThat(all.path("users").path("alice").path("gpu_hours").asDouble()).isEqualTo(QuotaRoutes.round(aliceGpuHours));
    assertThat(all.path("users").path("bob").path("core_hours").asDouble()).isEqualTo(QuotaRoutes.round(bobCoreHours));
    assertThat(all.path("groups").path("lab").path("gpu_hours").asDouble()).isEqualTo(QuotaRoutes.round(aliceGpuHours));

    HttpResponse<String> csv = h.hub("GET", "/hub/api/usage.csv", root, null);
    assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
    List<String> lines = csv.body().lines().toList();
    assertThat(lines).hasSize(1 + rows.size());
    assertThat(lines.get(0)).isEqualTo("user,server,profile,gpus,cores,started_at,ended_at,gpu_hours_in_period,core_hours_in_period");
    assertThat(lines.get(1)).startsWith("alice,,single-gpu,2,2.0,").endsWith("," + QuotaRoutes.round(aliceGpuHours) + ",0.5");
    assertThat(lines.get(2)).startsWith("bob,,single-cpu,0,0.5,").endsWith(",0.0," + QuotaRoutes.round(bobCoreHours));

    String metrics = h.hub("GET", "/hub/metrics", root, null).body();
    assertThat(metrics).contains("gpuhub_usage_gpu_hours{user=\"alice\"} " + aliceGpuHours)
        .contains("gpuhub_usage_core_hours{user=\"bob\"} " + bobCoreHours);
    // the home page says it too
    assertThat(h.hub("GET", "/hub/home", alice, null).body()).contains("Your use: 0.50 GPU-hours this month");
    assertThat(h.hub("GET", "/hub/admin", root, null).body()).contains("id=\"usage-csv\"");
  }
}
