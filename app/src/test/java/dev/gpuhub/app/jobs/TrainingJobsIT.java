package dev.gpuhub.app.jobs;

import static dev.gpuhub.app.jobs.JobsHub.await;
import static dev.gpuhub.app.jobs.JobsHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.core.allocation.Reservation;
import dev.gpuhub.runtime.ContainerSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Training jobs end to end (SPEC §5): two simulated nodes with two GPUs each, two jobs running the
 * reference trainer as local processes for the containers the scheduler starts; reports flow in,
 * bad ones are refused, the first job finishes and the second grows onto its GPUs at the next
 * round, restarting from its checkpoint; no GPU is ever held twice and everything is released at
 * the end.
 */
class TrainingJobsIT {
  private static final int INTERVAL_S = 2;

  @TempDir
  Path dir;

  @Test
  void twoJobsShareFourGpusAndTheSecondGrowsWhenTheFirstFinishes() throws Exception {
    long t0 = System.nanoTime();
    try (JobsHub hub = new JobsHub(dir, 2, "cores=16,ram=64G,gpus=2,max_containers=10", INTERVAL_S)) {
      hub.createUsers("alice", "bob");
      String trainer = JobsHub.TRAINER.toString();

      // A bad submission names its field; alice submits job A through the CLI, bob job B through the API.
      HttpResponse<String> bad = hub.call("bob", "POST", "/hub/api/jobs",
          "{\"image\":\"trainer:1\",\"command\":\"python3 x.py\",\"min_gpus\":3,\"max_gpus\":2,\"initial_batch_size\":64}");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(json(bad, 400).path("field").asText()).isEqualTo("max_gpus");
      HttpResponse<String> foreign = hub.call("bob", "POST", "/hub/api/jobs",
          "{\"image\":\"busybox:latest\",\"command\":\"sh\",\"initial_batch_size\":64}");
      assertThat(json(foreign, 400).path("field").asText()).as("an image no administrator allowed").isEqualTo("image");
      assertThat(json(foreign, 400).path("error").asText()).contains("busybox:latest").contains("trainer:1");

      StringWriter cliOut = new StringWriter();
      int code = new CommandLine(new JobCommand()).setOut(new PrintWriter(cliOut)).execute("submit",
          "--hub", hub.hubUrl(), "--token", hub.token("alice"), "--image", "trainer:1", "--min-gpus", "2",
          "--max-gpus", "2", "--batch-size", "64", "--", "python3", trainer, "--steps", "200", "--step-seconds", "0.05");
      assertThat(code).as("gpuhub job submit: " + cliOut).isZero();
      assertThat(cliOut.toString()).startsWith("job ").contains("submitted: queued");
      long a = Long.parseLong(cliOut.toString().split(" ")[1]);
      long b = json(hub.call("bob", "POST", "/hub/api/jobs", "{\"image\":\"trainer:1\",\"command\":[\"python3\",\""
          + trainer + "\",\"--steps\",\"1000\",\"--step-seconds\",\"0.05\"],\"min_gpus\":1,\"max_gpus\":4,"
          + "\"initial_batch_size\":64,\"metric\":\"default\"}"), 201).path("id").asLong();
      long impossible = json(hub.call("bob", "POST", "/hub/api/jobs", "{\"image\":\"trainer:1\",\"command\":\"python3 "
          + trainer + "\",\"min_gpus\":8,\"max_gpus\":8,\"initial_batch_size\":64}"), 201).path("id").asLong();

      // Both start at the next round, each replica with its own GPU: A on its 2, B on one (Pollux gives a job it
      // has no model of yet its minimum); the 8-GPU job waits.
      await("both jobs run", Duration.ofSeconds(20), () -> state(hub, a).equals("running") && state(hub, b).equals("running"));
      JsonNode ja = hub.job(a);
      JsonNode jb = hub.job(b);
      int aGpus = ja.path("gpus").asInt();
      int bGpusBefore = jb.path("gpus").asInt();
      System.out.printf("TrainingJobsIT: after the first round job A has %d GPU(s) %s, job B %d GPU(s) %s (%.1f s)%n",
          aGpus, ja.path("nodes"), bGpusBefore, jb.path("nodes"), seconds(t0));
      assertThat(aGpus).isEqualTo(2);
      assertThat(bGpusBefore).isBetween(1, 2);
      hub.checkNoGpuHeldTwice();
      assertThat(state(hub, impossible)).isEqualTo("queued");

      // The containers carry the job's environment, GPUs and labels.
      Map<String, ContainerSpec> aReplicas = replicas(hub, a);
      assertThat(aReplicas).hasSize(aGpus);
      ContainerSpec rank0 = aReplicas.get("0");
      assertThat(rank0.env()).containsEntry("GPUHUB_JOB_ID", Long.toString(a)).containsEntry("WORLD_SIZE", Integer.toString(aGpus))
          .containsEntry("MASTER_ADDR", "127.0.0.1").containsKeys("MASTER_PORT", "GPUHUB_REPORT_URL", "GPUHUB_REPORT_TOKEN",
              "GPUHUB_BATCH_SIZE", "GPUHUB_CHECKPOINT_DIR");
      assertThat(rank0.env().get("GPUHUB_REPORT_URL")).isEqualTo(hub.hubUrl() + "/hub/api/jobs/" + a + "/report");
      assertThat(rank0.labels()).containsEntry("gpuhub.user", "alice").containsEntry("gpuhub.job", Long.toString(a));
      assertThat(rank0.gpuDeviceUuids()).hasSize(1);

      // Reports arrive and are accepted.
      await("job A reports", Duration.ofSeconds(20), () -> hub.job(a).path("reports").asLong() >= 3);
      String tokenA = rank0.env().get("GPUHUB_REPORT_TOKEN");
      HttpResponse<String> good = hub.report(a, tokenA,
          "{\"step_time\":0.03,\"sync_time\":0.001,\"local_batch\":32,\"grad_sqr\":1,\"grad_var\":4,\"progress\":1}");
      assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
      assertThat(json(good, 200).path("status").asText()).isEqualTo("accepted");

      // Bad reports are refused with 4xx and JSON errors, and nothing of them is stored.
      String marked = "\"local_batch\":32,\"grad_sqr\":1,\"grad_var\":777";
      Map<String, HttpResponse<String>> refused = new java.util.LinkedHashMap<>();
      refused.put("negative step_time", hub.report(a, tokenA, "{\"step_time\":-1,\"sync_time\":0," + marked + "}"));
      refused.put("non-numeric sync_time", hub.report(a, tokenA, "{\"step_time\":1,\"sync_time\":\"slow\"," + marked + "}"));
      refused.put("missing grad_sqr", hub.report(a, tokenA, "{\"step_time\":1,\"sync_time\":0,\"local_batch\":32,\"grad_var\":777}"));
      refused.put("wrong token", hub.report(a, "not-the-token", "{\"step_time\":1,\"sync_time\":0," + marked + "}"));
      refused.put("no token", hub.report(a, null, "{\"step_time\":1,\"sync_time\":0," + marked + "}"));
      refused.put("another job's token", hub.report(b, tokenA, "{\"step_time\":1,\"sync_time\":0," + marked + "}"));
      refused.put("unknown job", hub.report(9999, tokenA, "{\"step_time\":1,\"sync_time\":0," + marked + "}"));
      Map<String, Integer> statuses = new java.util.LinkedHashMap<>();
      refused.forEach((what, r) -> {
        statuses.put(what, r.statusCode());
        assertThat(r.statusCode()).as(what).isBetween(400, 499);
        assertThat(json(r, r.statusCode()).path("error").asText()).as(what).isNotBlank();
      });
      System.out.println("TrainingJobsIT: bad reports refused with " + statuses);
      assertThat(statuses).containsEntry("negative step_time", 400).containsEntry("wrong token", 401)
          .containsEntry("unknown job", 404);
      assertThat(json(refused.get("negative step_time"), 400).path("field").asText()).isEqualTo("step_time");
      assertThat(hub.job(a).path("last_report").path("grad_var").asDouble()).isNotEqualTo(777);
      assertThat(hub.job(b).path("last_report").path("grad_var").asDouble()).isNotEqualTo(777);

      // Owners see their own jobs; admins see all; the jobs page shows them.
      assertThat(json(hub.call("bob", "GET", "/hub/api/jobs", null), 200)).hasSize(2);
      assertThat(hub.call("bob", "GET", "/hub/api/jobs/" + a, null).statusCode()).isEqualTo(403);
      assertThat(hub.call("bob", "DELETE", "/hub/api/jobs/" + a, null).statusCode()).isEqualTo(403);
      assertThat(json(hub.call("admin", "GET", "/hub/api/jobs", null), 200)).hasSize(3);
      String page = hub.call("admin", "GET", "/hub/jobs", null).body();
      assertThat(page).contains("href=\"/hub/jobs\"", "id=\"job-" + a + "\"", "id=\"job-" + b + "\"", "alice", "bob");

      // The job that can never fit is cancelled; a second cancel is refused.
      JsonNode cancelled = json(hub.call("bob", "DELETE", "/hub/api/jobs/" + impossible, null), 200);
      assertThat(cancelled.path("state").asText()).isEqualTo("cancelled");
      assertThat(hub.call("bob", "DELETE", "/hub/api/jobs/" + impossible, null).statusCode()).isEqualTo(409);

      // Job A finishes (replica 0 reports done); at the next round job B grows onto the freed GPUs.
      java.util.concurrent.atomic.AtomicInteger bWhileA = new java.util.concurrent.atomic.AtomicInteger(bGpusBefore);
      await("job A finishes", Duration.ofSeconds(40), () -> {
        if (state(hub, a).equals("finished")) return true;
        bWhileA.accumulateAndGet(hub.job(b).path("gpus").asInt(), Math::max);
        hub.checkNoGpuHeldTwice();
        return false;
      });
      long finishedAt = System.nanoTime();
      assertThat(bWhileA.get()).as("B's GPUs while A held 2 of 4").isLessThanOrEqualTo(2);
      assertThat(hub.job(a).path("gpus").asInt()).isZero();
      assertThat(hub.plane.discovery().placement().reservations()).noneMatch(r -> r.owner().startsWith("job:" + a + "/"));
      await("job B grows", Duration.ofSeconds(3L * INTERVAL_S + 10), () -> hub.job(b).path("gpus").asInt() > bWhileA.get()
          && state(hub, b).equals("running"));
      JsonNode grown = hub.job(b);
      int bGpusAfter = grown.path("gpus").asInt();
      System.out.printf("TrainingJobsIT: job A finished at %.1f s; job B grew from %d to %d GPU(s) %s %.1f s later,"
              + " restarts %d, goodput %s%n", seconds(t0) - (System.nanoTime() - finishedAt) / 1e9, bWhileA.get(), bGpusAfter,
          grown.path("nodes"), (System.nanoTime() - finishedAt) / 1e9, grown.path("restarts").asInt(), grown.path("goodput"));
      assertThat(grown.path("restarts").asInt()).isGreaterThanOrEqualTo(1);
      Map<String, ContainerSpec> bReplicas = replicas(hub, b);
      assertThat(bReplicas).hasSize(bGpusAfter);
      assertThat(bReplicas.values()).allMatch(s -> s.env().get("WORLD_SIZE").equals(Integer.toString(bGpusAfter)));
      hub.checkNoGpuHeldTwice();

      // The restarted replica 0 resumed from the job's checkpoint.
      await("job B's new replica 0 logs its resume", Duration.ofSeconds(10), () -> hub.resumedAbove0(b));

      // Job B finishes; nothing is left: no reservation, no container, no trainer process.
      await("job B finishes", Duration.ofSeconds(60), () -> state(hub, b).equals("finished"));
      JsonNode done = hub.job(b);
      System.out.printf("TrainingJobsIT: job B finished at %.1f s, progress %s, %d restart(s), %.1f GPU-seconds%n",
          seconds(t0), done.path("progress"), done.path("restarts").asInt(), done.path("gpu_seconds").asDouble());
      await("everything is released", Duration.ofSeconds(10), () ->
          hub.plane.discovery().placement().reservations().isEmpty() && hub.cluster.totalRunningContainers() == 0
              && hub.trainers.stream().mapToInt(TrainerProcesses::alive).sum() == 0);
      assertThat(hub.plane.discovery().placement().allocations())
          .allMatch(n -> n.gpuHolders().values().stream().allMatch(h -> h == null));

      // Accounting: every allocation of each job is a closed usage record with its GPUs (B's grew)
      var usage = hub.plane.stores().hub().usageSince(java.time.Instant.EPOCH);
      var ofA = usage.stream().filter(u -> u.server().equals("job:" + a)).toList();
      var ofB = usage.stream().filter(u -> u.server().equals("job:" + b)).toList();
      assertThat(ofA).isNotEmpty().allMatch(u -> u.endedAt() != null && u.gpus() > 0);
      assertThat(ofB).hasSizeGreaterThanOrEqualTo(2).allMatch(u -> u.endedAt() != null && u.gpus() > 0);
      assertThat(ofB.get(ofB.size() - 1).gpus()).isEqualTo(bGpusAfter);
      System.out.printf("TrainingJobsIT: usage records: job A %d, job B %d (%s GPUs)%n", ofA.size(), ofB.size(),
          ofB.stream().map(u -> Integer.toString(u.gpus())).toList());
    }
    System.out.printf("TrainingJobsIT: %.1f s in all%n", seconds(t0));
  }

  private static String state(JobsHub hub, long job) {
    return hub.job(job).path("state").asText();
  }

  /** The running containers of a job by RANK, checked against its reservations. */
  private static Map<String, ContainerSpec> replicas(JobsHub hub, long job) {
    Map<String, ContainerSpec> out = new HashMap<>();
    for (String h : hub.cluster.hostnames()) {
      for (ContainerSpec s : hub.cluster.runningContainers(h)) {
        if (!Long.toString(job).equals(s.labels().get("gpuhub.job"))) continue;
        out.put(s.env().get("RANK"), s);
        List<Reservation> held = hub.plane.discovery().placement().reservationsOf(s.labels().get("gpuhub.reservation"));
        assertThat(held).as("reservation of " + s.name()).singleElement()
            .satisfies(r -> assertThat(r.gpuUuids()).isEqualTo(s.gpuDeviceUuids()).hasSize(1))
            .satisfies(r -> assertThat(r.hostname()).isEqualTo(h));
      }
    }
    return out;
  }



  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
