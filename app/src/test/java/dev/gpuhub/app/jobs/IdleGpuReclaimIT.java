package dev.gpuhub.app.jobs;

import static dev.gpuhub.app.jobs.JobsHub.await;
import static dev.gpuhub.app.jobs.JobsHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.runtime.VolumeMount;
import dev.gpuhub.server.hub.spawn.ActiveServer;
import dev.gpuhub.server.hub.spawn.ServerState;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idle GPUs come back (issue 17), on a simulated node whose GPU activity the test drives, with a
 * real control plane: "Single GPU" is limited to 12 s of idle GPU (the profile's own
 * {@code gpu_idle_minutes}, set through the admin API); alice's notebook leaves its GPU idle, is
 * warned, then restarts on "Single CPU" with the same home, and asks for the GPU again with one
 * call; bob's GPU is as idle but one of his kernels is busy, so he keeps it; carol is in the exempt
 * group and is never even warned.
 */
class IdleGpuReclaimIT {
  @TempDir
  Path dir;

  @Test
  void anIdleGpuIsWarnedThenGivenBackButNeverFromABusyKernelOrAnExemptUser() throws Exception {
    long t0 = System.nanoTime();
    Map<String, String> env = Map.of("GPUHUB_HOMES", "volume", "GPUHUB_GPU_IDLE_CHECK_SECONDS", "1",
        "GPUHUB_GPU_IDLE_WARNING_MINUTES", "0.05"); // warned 3 s before
    try (JobsHub hub = new JobsHub(dir, 1, "cores=16,ram=64G,gpus=4,max_containers=10", 60, env)) {
      hub.createUsers("alice", "bob", "carol");
      String node = hub.cluster.hostnames().get(0);

      // Bad limits name the field; then Single GPU's GPUs may idle 12 s.
      for (String bad : List.of("-1", "10081", "\"soon\"")) {
        HttpResponse<String> r = hub.call("admin", "PATCH", "/hub/api/profiles/single-gpu", "{\"gpu_idle_minutes\":" + bad + "}");
        assertThat(json(r, 400).path("field").asText()).as(bad).isEqualTo("gpu_idle_minutes");
      }
      JsonNode patched = json(hub.call("admin", "PATCH", "/hub/api/profiles/single-gpu", "{\"gpu_idle_minutes\":0.2}"), 200);
      assertThat(patched.path("gpu_idle_minutes").asDouble()).isEqualTo(0.2);
      json(hub.call("admin", "POST", "/hub/api/groups/gpu-idle-exempt", "{}"), 201);
      assertThat(hub.call("admin", "POST", "/hub/api/groups/gpu-idle-exempt/users", "{\"users\":[\"carol\"]}").statusCode())
          .isEqualTo(200);

      for (String user : List.of("alice", "bob", "carol")) {
        HttpResponse<String> r = hub.call(user, "POST", "/hub/api/users/" + user + "/server", "{\"profile\":\"single-gpu\"}");
        assertThat(r.statusCode()).as(r.body()).isIn(201, 202);
      }
      await("three GPU servers run", Duration.ofSeconds(30), () -> List.of("alice", "bob", "carol").stream()
          .allMatch(u -> state(hub, u) == ServerState.RUNNING));
      // Users see their GPUs: how many, in use or idle since when, utilisation now and over the last hour.
      await("alice's home page shows her GPU in use", Duration.ofSeconds(10), () -> {
        String page = hub.call("alice", "GET", "/hub/home", null).body();
        return page.contains("id=\"my-gpus\"") && page.contains("in use") && page.contains("30 %")
            && page.contains("aria-label=\"GPU utilisation over the last hour\"");
      });
      ContainerSpec aliceBefore = container(hub, node, "alice");
      VolumeMount home = aliceBefore.volumes().stream().filter(v -> v.volume().contains("alice")).findFirst().orElseThrow();

      // All three GPUs go idle; bob's kernel is busy (computing on the CPU); alice's are not.
      for (String user : List.of("alice", "bob", "carol")) {
        hub.cluster.runtime(node).setGpuUtilisation(containerId(hub, user), 0);
      }
      hub.cluster.runtime(node).setKernels(containerId(hub, "alice"), "[{\"id\":\"k1\",\"execution_state\":\"idle\"}]");
      hub.cluster.runtime(node).setKernels(containerId(hub, "bob"), "[{\"id\":\"k2\",\"execution_state\":\"busy\"}]");
      long idleFrom = System.nanoTime();

      // First the warning: on the notices API and the home page, while the server still holds its GPU.
      await("alice is warned", Duration.ofSeconds(20), () -> kinds(hub, "alice").contains("idle_warning"));
      double warnedAfter = (System.nanoTime() - idleFrom) / 1e9;
      assertThat(profile(hub, "alice")).isEqualTo("single-gpu");
      JsonNode warning = json(hub.call("alice", "GET", "/hub/api/users/alice/notices", null), 200).get(0);
      assertThat(warning.path("message").asText()).contains("idle").contains("given back");
      assertThat(warning.path("due").asText()).isNotEmpty();
      String page = hub.call("alice", "GET", "/hub/home", null).body();
      assertThat(page).contains("id=\"gpu-idle-warning\"", "idle since");

      // Then the GPU goes back: the server restarts on Single CPU with the same home volume.
      await("alice's server runs on Single CPU", Duration.ofSeconds(20), () -> "single-cpu".equals(profile(hub, "alice"))
          && state(hub, "alice") == ServerState.RUNNING);
      double reclaimedAfter = (System.nanoTime() - idleFrom) / 1e9;
      System.out.printf("IdleGpuReclaimIT: alice warned %.1f s and moved to Single CPU %.1f s after her GPU went idle"
          + " (limit 12 s, warning 3 s)%n", warnedAfter, reclaimedAfter);
      assertThat(reclaimedAfter).isGreaterThanOrEqualTo(12).isGreaterThan(warnedAfter);
      ContainerSpec aliceAfter = container(hub, node, "alice");
      assertThat(aliceAfter.gpuDeviceUuids()).isEmpty();
      assertThat(aliceAfter.volumes()).contains(home);
      assertThat(hub.plane.discovery().placement().reservationsOf("server:alice"))
          .allMatch(r -> r.gpuUuids().isEmpty());
      assertThat(kinds(hub, "alice")).containsExactly("gpu_reclaimed");
      assertThat(hub.call("alice", "GET", "/hub/home", null).body()).contains("id=\"gpu-reclaimed\"", "id=\"gpu-again\"");

      // The time alice's GPU was held idle shows on the admin page and in the metrics.
      String metrics = hub.call("admin", "GET", "/hub/metrics", null).body();
      double idleHours = metric(metrics, "gpuhub_gpu_held_idle_hours{user=\"alice\"}");
      System.out.printf("IdleGpuReclaimIT: alice held her GPU idle for %.4f GPU-hours (%.0f s)%n", idleHours, idleHours * 3600);
      assertThat(idleHours * 3600).isBetween(10.0, 30.0);
      assertThat(metric(metrics, "gpuhub_gpu_held_hours{user=\"alice\"}")).isGreaterThan(idleHours);
      assertThat(metrics).contains("gpuhub_server_gpu_utilisation_percent{server=\"\",user=\"carol\"} 0.0");
      assertThat(hub.call("admin", "GET", "/hub/admin", null).body()).contains("id=\"gpu-use\"", "<td>alice</td>",
          "<td>group gpu-idle-exempt</td>");

      // bob was warned too but his busy kernel keeps the GPU; carol is never warned.
      assertThat(kinds(hub, "bob")).containsExactly("idle_warning");
      assertThat(profile(hub, "bob")).isEqualTo("single-gpu");
      assertThat(kinds(hub, "carol")).isEmpty();
      assertThat(profile(hub, "carol")).isEqualTo("single-gpu");

      // Others may not ask for alice's GPU back; she may, with one call (queued like any start), and gets it.
      assertThat(hub.call("bob", "POST", "/hub/api/users/alice/server/gpu", null).statusCode()).isEqualTo(403);
      assertThat(hub.call("bob", "POST", "/hub/api/users/bob/server/gpu", null).statusCode()).as("nothing was given back")
          .isEqualTo(409);
      HttpResponse<String> again = hub.call("alice", "POST", "/hub/api/users/alice/server/gpu", null);
      assertThat(json(again, 202).path("profile").asText()).isEqualTo("single-gpu");
      await("alice runs on Single GPU again", Duration.ofSeconds(20), () -> "single-gpu".equals(profile(hub, "alice"))
          && state(hub, "alice") == ServerState.RUNNING);
      assertThat(container(hub, node, "alice").volumes()).contains(home);
      assertThat(container(hub, node, "alice").gpuDeviceUuids()).hasSize(1);
      assertThat(kinds(hub, "alice")).isEmpty();

      // A kernel that stops being busy lets bob's GPU go too.
      hub.cluster.runtime(node).setKernels(containerId(hub, "bob"), "[{\"id\":\"k2\",\"execution_state\":\"idle\"}]");
      await("bob's server runs on Single CPU", Duration.ofSeconds(20), () -> "single-cpu".equals(profile(hub, "bob"))
          && state(hub, "bob") == ServerState.RUNNING);
      assertThat(profile(hub, "carol")).isEqualTo("single-gpu");
    }
    System.out.printf("IdleGpuReclaimIT: %.1f s in all%n", (System.nanoTime() - t0) / 1e9);
  }

  private static Optional<ActiveServer.Snapshot> server(JobsHub hub, String user) {
    return hub.plane.hub().spawner().server(user).map(ActiveServer::snapshot);
  }

  private static ServerState state(JobsHub hub, String user) {
    return server(hub, user).map(ActiveServer.Snapshot::state).orElse(null);
  }

  private static String profile(JobsHub hub, String user) {
    return server(hub, user).map(ActiveServer.Snapshot::profile).orElse(null);
  }

  private static String containerId(JobsHub hub, String user) {
    return server(hub, user).map(ActiveServer.Snapshot::containerId).orElseThrow();
  }

  private static ContainerSpec container(JobsHub hub, String node, String user) {
    return hub.cluster.runtime(node).specOf(containerId(hub, user)).orElseThrow();
  }

  /** The value of one sample line of a Prometheus scrape. */
  private static double metric(String scrape, String sample) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(sample + " ")) return Double.parseDouble(line.substring(sample.length() + 1).trim());
    }
    throw new AssertionError("no sample " + sample + " in the scrape");
  }

  private static List<String> kinds(JobsHub hub, String user) {
    JsonNode list = json(hub.call(user, "GET", "/hub/api/users/" + user + "/notices", null), 200);
    java.util.List<String> out = new java.util.ArrayList<>();
    list.forEach(n -> out.add(n.path("kind").asText()));
    return out;
  }
}
