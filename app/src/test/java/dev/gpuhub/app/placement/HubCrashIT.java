package dev.gpuhub.app.placement;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.agent.sim.SimulatedCluster;
import dev.gpuhub.agent.sim.SimulatedNodeSpec;
import dev.gpuhub.testkit.FreePorts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jar run as {@code ./gpuhub server}, killed with SIGKILL while two servers run and two
 * wait in the queue on a simulated node with room for two, then started again on the same data:
 * the running servers are adopted, the waiting ones are in the queue again in their order, and when
 * the first two stop, the third and then the fourth run. Nothing is lost, nothing is left over.
 */
class HubCrashIT {
  @TempDir Path dir;

  @Test
  void serversWaitingInTheQueueKeepTheirPlaceAcrossAKill9OfTheHub() throws Exception {
    String agentToken = dev.gpuhub.wire.AgentAuth.generateToken();
    int api = FreePorts.pick();
    int hubPort = FreePorts.pick();
    Map<String, String> env = Map.of("GPUHUB_AGENT_TOKEN", agentToken, "API_PORT", Integer.toString(api),
        "HUB_PORT", Integer.toString(hubPort), "GPUHUB_CLUSTER_PORT", Integer.toString(FreePorts.pick()),
        "GPUHUB_BIND", "127.0.0.1", "GPUHUB_DATA_DIR", dir.resolve("data").toString(), "GPUHUB_ADMIN_USERS", "admin",
        "GPUHUB_PLACEMENT_TICK_MILLIS", "200", "GPUHUB_HOMES", "none");
    String hub = "http://127.0.0.1:" + hubPort;
    List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
    Process first = start(env, output);
    SimulatedCluster cluster = null;
    Process second = null;
    try {
      awaitUp(hub, output);
      cluster = SimulatedCluster.start("http://127.0.0.1:" + api, agentToken, 1,
          SimulatedNodeSpec.parse("cores=16,ram=64G,gpus=0,max_containers=2"), Duration.ofSeconds(1));
      String pw = "crash-test-" + System.nanoTime();
      HubApi admin = HubApi.signUpAdmin(hub, dir.resolve("data"), pw);
      assertThat(admin.call("POST", "/hub/api/users", "{\"usernames\":[\"u1\",\"u2\",\"u3\",\"u4\"]}").statusCode()).isEqualTo(201);
      for (String u : List.of("u1", "u2", "u3", "u4")) {
        HttpResponse<String> r = admin.call("POST", "/hub/api/users/" + u + "/server", "{\"profile\":\"single-cpu\"}");
        assertThat(r.statusCode()).as(r.body()).isIn(201, 202);
        Thread.sleep(200); // a defined order in the queue
      }
      HubApi a = admin;
      await("u1 and u2 run, u3 and u4 wait in that order", Duration.ofSeconds(30),
          () -> running(a, "u1") && running(a, "u2") && position(a, "u3") == 1 && position(a, "u4") == 2);

      String u1Started = admin.json("/hub/api/users/u1/server").path("started").asText();
      Thread.sleep(1000); // a server's record follows its start by a moment: a kill within it restarts the server
      first.destroyForcibly(); // SIGKILL: no shutdown hook, nothing flushed
      assertThat(first.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      long restarted = System.nanoTime();
      second = start(env, output);
      awaitUp(hub, output);
      HubApi back = HubApi.logIn(hub, pw);
      try {
        await("after the restart u1 and u2 are adopted and u3, u4 wait again in their order", Duration.ofSeconds(60),
            () -> running(back, "u1") && running(back, "u2") && position(back, "u3") == 1 && position(back, "u4") == 2);
      } catch (AssertionError e) {
        StringBuilder why = new StringBuilder(e.getMessage());
        for (String u : List.of("u1", "u2", "u3", "u4")) why.append("\n").append(u).append(": ")
            .append(back.json("/hub/api/users/" + u + "/server"));
        synchronized (output) {
          output.stream().filter(l -> l.contains("WARN  d.g.s") || l.contains("Reconciler") || l.contains("Spawner") || l.contains("ERROR") || l.contains("listening"))
              .forEach(l -> why.append("\n").append(l));
        }
        throw new AssertionError(why.toString(), e);
      }
      System.out.printf("HubCrashIT: %.1f s after the restart began, 2 servers were adopted and 2 waited again in"
          + " their order%n", (System.nanoTime() - restarted) / 1e9);
      assertThat(java.time.Instant.parse(back.json("/hub/api/users/u1/server").path("started").asText()))
          .as("adopted, not started again (the store keeps microseconds)")
          .isEqualTo(java.time.Instant.parse(u1Started).truncatedTo(java.time.temporal.ChronoUnit.MICROS));

      assertThat(back.call("DELETE", "/hub/api/users/u1/server", null).statusCode()).isEqualTo(204);
      await("u3 runs in u1's room, u4 still waits first in line", Duration.ofSeconds(30),
          () -> running(back, "u3") && position(back, "u4") == 1);
      assertThat(back.call("DELETE", "/hub/api/users/u2/server", null).statusCode()).isEqualTo(204);
      await("u4 runs", Duration.ofSeconds(30), () -> running(back, "u4"));
      SimulatedCluster c = cluster;
      await("only u3's and u4's containers run", Duration.ofSeconds(10), () -> c.totalRunningContainers() == 2);
    } finally {
      first.destroyForcibly();
      if (second != null) second.destroyForcibly();
      if (cluster != null) cluster.close();
    }
  }

  private static boolean running(HubApi api, String user) {
    JsonNode s = api.json("/hub/api/users/" + user + "/server");
    return s.path("ready").asBoolean(false);
  }

  /** The user's place in the queue; 0 when not waiting. */
  private static int position(HubApi api, String user) {
    return api.json("/hub/api/users/" + user + "/server").path("queue").path("position").asInt(0);
  }

  private static Process start(Map<String, String> env, List<String> output) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+ExitOnOutOfMemoryError", "-jar", Path.of("target", "gpuhub.jar").toAbsolutePath().toString(), "server")
        .redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) output.add(line);
      } catch (java.io.IOException e) {
        // the process ended
      }
    });
    reader.setDaemon(true);
    reader.start();
    return p;
  }

  private static void awaitUp(String hub, List<String> output) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(hub + "/hub/api/")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the hub never answered; output: " + output);
  }

  private static void await(String what, Duration limit, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting until " + what);
      Thread.sleep(200);
    }
  }
}
