package dev.gpuhub.app.jobs;

import static dev.gpuhub.app.jobs.JobsHub.await;
import static dev.gpuhub.app.jobs.JobsHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.store.TrainingJobRecord;
import dev.gpuhub.store.TrainingJobState;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training jobs across a restart of the control plane: a job that runs is adopted (its replica
 * keeps running, no restart counted); a job the control plane left half-way through a
 * re-allocation (recorded RESTARTING, its replica placed, as a crash between the two steps leaves
 * it) goes back to the queue, its leftover replica removed, and runs again from its checkpoint to
 * the end; no GPU is ever held twice and nothing is left over.
 */
class JobsAcrossRestartIT {
  @TempDir Path dir;

  @Test
  void aRunningJobIsAdoptedAndOneCaughtHalfWayThroughARestartResumesFromItsCheckpoint() throws Exception {
    try (JobsHub hub = new JobsHub(dir, 1, "cores=16,ram=64G,gpus=2,max_containers=10", 2)) {
      hub.createUsers("carol");
      long id = json(hub.call("carol", "POST", "/hub/api/jobs", "{\"image\":\"trainer:1\",\"command\":[\"python3\",\""
          + JobsHub.TRAINER + "\",\"--steps\",\"600\",\"--step-seconds\",\"0.05\"],\"min_gpus\":1,\"max_gpus\":1,"
          + "\"initial_batch_size\":64}"), 201).path("id").asLong();
      await("the job runs and reports progress", Duration.ofSeconds(30),
          () -> state(hub, id).equals("running") && hub.job(id).path("progress").asDouble() > 0);
      JsonNode before = hub.job(id);
      hub.checkNoGpuHeldTwice();

      hub.restartControlPlane(null);
      Thread.sleep(3000); // a few scheduling rounds of the new control plane
      JsonNode adopted = hub.job(id);
      System.out.printf("JobsAcrossRestartIT: after a restart the job is %s on %s, %d restart(s), progress %s -> %s%n",
          adopted.path("state").asText(), adopted.path("nodes"), adopted.path("restarts").asInt(),
          before.path("progress"), adopted.path("progress"));
      assertThat(adopted.path("state").asText()).isEqualTo("running");
      assertThat(adopted.path("restarts").asInt()).as("adopted, not restarted").isEqualTo(before.path("restarts").asInt());
      assertThat(adopted.path("nodes")).isEqualTo(before.path("nodes"));
      assertThat(hub.cluster.totalRunningContainers()).isEqualTo(1);
      hub.checkNoGpuHeldTwice();

      hub.restartControlPlane(stores -> {
        TrainingJobRecord job = stores.jobs().find(id).orElseThrow();
        stores.jobs().update(job.withState(TrainingJobState.RESTARTING, null));
      });
      await("the job caught half-way runs again, from its checkpoint", Duration.ofSeconds(30),
          () -> hub.job(id).path("restarts").asInt() > before.path("restarts").asInt() && state(hub, id).equals("running"));
      await("its new replica logs the resume", Duration.ofSeconds(15), () -> hub.resumedAbove0(id));
      hub.checkNoGpuHeldTwice();
      assertThat(hub.cluster.totalRunningContainers()).as("the leftover replica was removed").isEqualTo(1);
      await("the job finishes", Duration.ofSeconds(90), () -> state(hub, id).equals("finished"));
      JsonNode done = hub.job(id);
      System.out.printf("JobsAcrossRestartIT: the job caught restarting finished with %d restart(s), progress %s%n",
          done.path("restarts").asInt(), done.path("progress"));
      await("everything is released", Duration.ofSeconds(10), () ->
          hub.plane.discovery().placement().reservations().isEmpty() && hub.cluster.totalRunningContainers() == 0);
    }
  }

  private static String state(JobsHub hub, long job) {
    return hub.job(job).path("state").asText();
  }


}
