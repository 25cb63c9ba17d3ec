package dev.gpuhub.app.hub;

import static dev.gpuhub.app.hub.HubClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.server.hub.spawn.ActiveServer;
import dev.gpuhub.testkit.LocalDockerd;
import dev.gpuhub.testkit.SimulatedGpus;
import dev.gpuhub.wire.WireJson;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile code in the two workload kinds a user does not reach through a kernel: a training job
 * replica (a user submits the job) and a replicated service's replica (an administrator declares
 * it), started by the hub's job scheduler and services loop through a real agent on a real
 * dockerd, with the real notebook image, while another user's server runs on the same node. Each
 * runs {@link HostileProbes} as its command and is held to the same answers as a user's kernel in
 * {@link HubHostileUserIT}; {@code docker inspect} shows both confined.
 *
 * <p>Jobs need a GPU per replica (min_gpus >= 1) and this machine has none, so the node has one
 * {@link SimulatedGpus simulated GPU}: the agent's nvidia-smi lists it, and the node's dockerd (of
 * its own, started with the simulated NVIDIA runtime hook) accepts the job replica's request for it
 * without attaching a device.
 */
class HostileWorkloadsIT {
  private static final String SERVICE = "hostile";
  private static final Duration FINDINGS_TIMEOUT = Duration.ofSeconds(60);
  @TempDir static Path dir;
  static SimulatedGpus gpus;
  static LocalDockerd dockerd;
  static HubFixture hub;

  @BeforeAll
  static void start() {
    gpus = SimulatedGpus.create(dir.resolve("gpus"), 1);
    dockerd = LocalDockerd.start(gpus);
    hub = new HubFixture(dir.resolve("data"), Map.of(
        "GPUHUB_JOB_INTERVAL_SECONDS", "1",
        "GPUHUB_JOB_REPLICA_CPU", "0.5",
        "GPUHUB_JOB_REPLICA_MEMORY_GB", "0.5",
        "GPUHUB_SERVICE_PERIOD_SECONDS", "0.5"), dockerd, gpus.nvidiaSmi());
  }

  @AfterAll
  static void stop() {
    if (hub != null) hub.close();
    if (dockerd != null) dockerd.close();
  }

  @Test
  void aJobReplicaAndAServiceReplicaCannotEscalateSniffOrReachTheClustersApisOrAnotherUsersServer() throws Exception {
    long t0 = System.nanoTime();
    HubClient victim = hub.userWithServer("victim");
    ActiveServer.Snapshot theirs = hub.plane.hub().spawner().server("victim").orElseThrow().snapshot();
    HubClient mallory = new HubClient(hub.hubUrl);
    assertThat(mallory.signUpAndLogIn("mallory", "mallory-password-1").statusCode()).isEqualTo(302);
    HubClient admin = new HubClient(hub.hubUrl);
    assertThat(admin.signUpAndLogIn("admin", "admin-password-1", hub.adminSecret()).statusCode()).isEqualTo(302);
    long job = -1;
    boolean service = false;
    String cancelled = null;
    int deleted = 0;
    int stopped = 0;
    try (ServerSocket postgres = HostileProbes.hostLoopbackListener(5432);
         ServerSocket redis = HostileProbes.hostLoopbackListener(6379)) {
      HostileProbes.Targets targets = HostileProbes.Targets.of(hub, "victim", List.of(postgres.getLocalPort(), redis.getLocalPort()));
      List<String> command = HostileProbes.workloadCommand(targets);

      // mallory's training job and the administrator's service both run the probes
      ObjectNode submission = WireJson.mapper().createObjectNode().put("image", hub.image).put("min_gpus", 1)
          .put("initial_batch_size", 1);
      submission.set("command", WireJson.mapper().valueToTree(command));
      HttpResponse<String> submitted = mallory.api("POST", "/hub/api/jobs", submission.toString());
      assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
      job = json(submitted).path("id").asLong();
      ObjectNode declaration = WireJson.mapper().createObjectNode().put("name", SERVICE).put("image", hub.image)
          .put("cpu_millicores", 250).put("memory_mb", 256).put("request_threshold", 1000).put("min_replicas", 1)
          .put("max_replicas", 1);
      declaration.set("command", WireJson.mapper().valueToTree(command));
      HttpResponse<String> declared = admin.api("POST", "/hub/api/services", declaration.toString());
      assertThat(declared.statusCode()).as(declared.body()).isEqualTo(201);
      service = true;

      long id = job;
      await(() -> "job " + id + " runs: " + jobView(mallory, id), () -> {
        JsonNode view = jobView(mallory, id);
        assertThat(view.path("state").asText()).as("job " + id + ": " + view).isIn("queued", "restarting", "running");
        return view.path("state").asText().equals("running");
      });
      JsonNode running = jobView(mallory, id);
      assertThat(running.path("allocation").get(0).path("gpu_uuids").toString())
          .as("the job's replica holds the node's GPU").isEqualTo("[\"" + gpus.uuids().get(0) + "\"]");
      String jobContainer = "gpuhub-job-" + job + "-0";
      await(() -> "the service's replica is ready: " + admin.getJson("/hub/api/services").body(),
          () -> json(admin.getJson("/hub/api/services/" + SERVICE)).path("replicas").findValues("ready").stream()
              .anyMatch(JsonNode::asBoolean));
      String serviceContainer = "gpuhub-svc-" + SERVICE + "-"
          + json(admin.getJson("/hub/api/services/" + SERVICE)).path("replicas").get(0).path("index").asInt();
      System.out.printf("HostileWorkloadsIT: job replica and service replica running after %.1f s%n", seconds(t0));

      List<String> secrets = List.of(theirs.token(), hub.token);
      JsonNode fromJob = HostileProbes.findings(dockerd, jobContainer, FINDINGS_TIMEOUT);
      JsonNode fromService = HostileProbes.findings(dockerd, serviceContainer, FINDINGS_TIMEOUT);
      System.out.println("HostileWorkloadsIT: the job replica found " + HostileProbes.summary(fromJob));
      System.out.println("HostileWorkloadsIT: the service replica found " + HostileProbes.summary(fromService));
      HostileProbes.assertConfined("the job replica", fromJob, targets, secrets);
      HostileProbes.assertConfined("the service replica", fromService, targets, secrets);

      // docker inspect: on the workload network, unprivileged, every capability dropped,
      // no-new-privileges, the pids limit, no device; the job asks the runtime for its GPU alone
      HubFixture.assertConfined(dockerd, jobContainer);
      HubFixture.assertConfined(dockerd, serviceContainer);
      HubFixture.assertGpus(dockerd, jobContainer, gpus.uuids());
      HubFixture.assertGpus(dockerd, serviceContainer, List.of());
      assertThat(gpus.requestedBy()).as("containers whose start asked the runtime for GPUs")
          .containsExactly(dockerd.docker("inspect", "-f", "{{.Id}}", jobContainer));

      // after probing, the service replica serves through the hub, and the victim's server still works for her
      HttpResponse<String> served = new HubClient(hub.hubUrl).get("/svc/" + SERVICE + "/");
      assertThat(served.statusCode()).isEqualTo(200);
      assertThat(served.body()).isEqualTo("ok");
      assertThat(victim.getJson("/user/victim/api/status").statusCode()).isEqualTo(200);
    } finally { // stopped even when a check failed; checked below
      if (job >= 0) cancelled = json(mallory.api("DELETE", "/hub/api/jobs/" + job, null)).path("state").asText();
      if (service) deleted = admin.api("DELETE", "/hub/api/services/" + SERVICE, null).statusCode();
      stopped = victim.api("DELETE", "/hub/api/users/victim/server", null).statusCode();
    }
    assertThat(cancelled).as("mallory cancels her job").isEqualTo("cancelled");
    assertThat(deleted).as("the administrator deletes the service").isEqualTo(204);
    assertThat(stopped).as("the victim stops her server").isEqualTo(204);
    assertThat(dockerd.docker("ps", "-a", "--filter", "label=gpuhub.managed", "--format", "{{.Names}}"))
        .as("the job's, the service's and the victim's containers are gone").isEmpty();
    assertThat(hub.plane.discovery().placement().reservations()).as("every reservation released").isEmpty();
    System.out.printf("HostileWorkloadsIT: done in %.1f s%n", seconds(t0));
  }

  private static JsonNode jobView(HubClient owner, long id) {
    HttpResponse<String> r = owner.getJson("/hub/api/jobs/" + id);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json(r);
  }

  private static void await(Supplier<String> what, BooleanSupplier done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not within 90 s: " + what.get());
      HubFixture.sleep(250);
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
