package dev.gpuhub.app.hub;

import static dev.gpuhub.app.hub.HubClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.server.workload.Homes;
import dev.gpuhub.testkit.LocalDockerd;
import dev.gpuhub.testkit.SimulatedGpus;
import dev.gpuhub.wire.WireJson;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training job keeps its checkpoints in its owner's home: the reference trainer, saved into the
 * home through the owner's notebook server, runs in a real container (a node with one simulated
 * GPU on its own dockerd), checkpoints into
 * {@code ~/.gpuhub/jobs/job-<id>}; its replica is removed from the node, the scheduler re-queues
 * the job and starts it again, and the new replica resumes from the checkpoint it finds there.
 */
class JobCheckpointHomeIT {
  private static final Pattern RESUMED = Pattern.compile("resuming at progress ([0-9.]+)");
  @TempDir Path dir;

  @Test
  void aRemovedReplicaIsStartedAgainAndResumesFromTheCheckpointInTheHome() throws Exception {
    SimulatedGpus gpus = SimulatedGpus.create(dir.resolve("gpus"), 1);
    try (LocalDockerd dockerd = LocalDockerd.start(gpus);
         HubFixture hub = new HubFixture(dir.resolve("data"), Map.of("GPUHUB_JOB_INTERVAL_SECONDS", "1",
             "GPUHUB_JOB_REPLICA_CPU", "0.5", "GPUHUB_JOB_REPLICA_MEMORY_GB", "0.5",
             "GPUHUB_JOB_RESTART_DELAY_SECONDS", "1"), dockerd, gpus.nvidiaSmi())) {
      // jo saves the trainer into her home through her notebook server, as a student would, and stops it
      HubClient jo = hub.userWithServer("jo");
      ObjectNode file = WireJson.mapper().createObjectNode().put("type", "file").put("format", "text")
          .put("content", Files.readString(Path.of("..", "scripts", "reference-trainer.py")));
      HttpResponse<String> saved = jo.api("PUT", "/user/jo/api/contents/trainer.py", file.toString());
      assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);
      assertThat(jo.api("DELETE", "/hub/api/users/jo/server", null).statusCode()).isEqualTo(204);
      ObjectNode submission = WireJson.mapper().createObjectNode().put("image", hub.image).put("min_gpus", 1)
          .put("max_gpus", 1).put("initial_batch_size", 64);
      submission.set("command", WireJson.mapper().valueToTree(List.of("python3", Homes.DEFAULT_DIRECTORY + "/trainer.py",
          "--steps", "100000", "--step-seconds", "0.02", "--report-every", "5")));
      HttpResponse<String> submitted = jo.api("POST", "/hub/api/jobs", submission.toString());
      assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
      long id = json(submitted).path("id").asLong();
      String replica = "gpuhub-job-" + id + "-0";
      String checkpoint = Homes.DEFAULT_DIRECTORY + "/.gpuhub/jobs/job-" + id + "/progress.json";
      try {
        await(() -> "job " + id + " runs: " + jo.getJson("/hub/api/jobs/" + id).body(),
            () -> "running".equals(view(jo, id).path("state").asText()));
        await(() -> "a checkpoint in the home: " + dockerd.docker("logs", replica),
            () -> progressIn(dockerd, replica, checkpoint) > 0);
        assertThat(dockerd.docker("inspect", "-f", "{{range .Mounts}}{{.Name}} {{.Destination}}{{end}}", replica))
            .isEqualTo(Homes.volumeOf("jo") + " " + Homes.DEFAULT_DIRECTORY);
        String firstId = dockerd.docker("inspect", "-f", "{{.Id}}", replica);

        dockerd.docker("rm", "-f", replica); // the replica vanishes from its node
        await(() -> "a new replica: " + jo.getJson("/hub/api/jobs/" + id).body(), () -> {
          String now = dockerd.docker("ps", "-q", "--no-trunc", "--filter", "name=^" + replica + "$");
          return !now.isBlank() && !now.equals(firstId) && RESUMED.matcher(dockerd.docker("logs", replica)).find();
        });
        Matcher resumed = RESUMED.matcher(dockerd.docker("logs", replica));
        assertThat(resumed.find()).isTrue();
        double from = Double.parseDouble(resumed.group(1));
        System.out.printf("JobCheckpointHomeIT: job %d restarted %d time(s), resumed at progress %.1f%n", id,
            view(jo, id).path("restarts").asInt(), from);
        assertThat(from).as("the new replica resumed from the checkpoint in jo's home").isGreaterThan(0);
      } finally {
        jo.api("DELETE", "/hub/api/jobs/" + id, null);
        await(() -> "the job's containers gone", () -> dockerd.docker("ps", "-aq", "--filter", "label=gpuhub.job").isBlank());
        dockerd.docker("volume", "rm", "-f", Homes.volumeOf("jo"));
      }
    }
  }

  private static double progressIn(LocalDockerd dockerd, String container, String file) {
    try {
      return WireJson.mapper().readTree(dockerd.docker("exec", container, "cat", file)).path("progress").asDouble();
    } catch (Exception notYet) {
      return 0;
    }
  }

  private static JsonNode view(HubClient owner, long id) {
    return json(owner.getJson("/hub/api/jobs/" + id));
  }

  private static void await(Supplier<String> what, BooleanSupplier done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not within 90 s: " + what.get());
      HubFixture.sleep(250);
    }
  }
}
