package dev.gpuhub.app.placement;

import static dev.gpuhub.app.placement.SimulatedHub.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.server.services.ServiceReplica;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services loop end to end over simulated nodes: a service declared through the admin API,
 * load sent through {@code /svc/<name>/}, the epsilon-NSGA-II plan applied through the agents; as
 * the rate changes the replicas follow within one period, and not one request fails meanwhile.
 */
class ServiceLoopIT {
  private static final double PERIOD_SECONDS = 2;

  @TempDir
  Path dataDir;

  @Test
  void replicasFollowTheRateWithinOnePeriodAndNoRequestIsDropped() throws Exception {
    try (SimulatedHub hub = new SimulatedHub(dataDir, 3, "cores=4,ram=8G,max_containers=20",
        Map.of("GPUHUB_SERVICE_PERIOD_SECONDS", Double.toString(PERIOD_SECONDS)))) {
      HttpResponse<String> declared = hub.admin.call("POST", "/hub/api/services", "{\"name\":\"echo\",\"image\":\"sim-echo:1\","
          + "\"request_threshold\":10,\"cpu_millicores\":500,\"memory_mb\":256,\"min_replicas\":1,\"max_replicas\":6,"
          + "\"strategy\":\"least_connections\"}");
      assertThat(declared.statusCode()).as(declared.body()).isEqualTo(201);
      assertThat(hub.admin.call("POST", "/hub/api/services", "{\"name\":\"echo\",\"image\":\"x\",\"request_threshold\":1}")
          .statusCode()).isEqualTo(409);
      assertThat(hub.admin.call("POST", "/hub/api/services", "{\"name\":\"bad\",\"image\":\"x\",\"request_threshold\":0}")
          .statusCode()).isEqualTo(400);
      try {
        await("one replica runs", Duration.ofSeconds(30), () -> replicas(hub) == 1);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; last pass: " + hub.plane.hub().services().lastPass(), e);
      }

      // a replica counts from its container's start; the load begins once it is routed (answers)
      await("the replica answers", Duration.ofSeconds(30), () -> {
        JsonNode replicas = hub.admin.json("/hub/api/services/echo").path("replicas");
        return replicas.size() == 1 && replicas.get(0).path("ready").asBoolean();
      });
      Load load = new Load(hub.plane.hub().url() + "/svc/echo/");
      try {
        load.rate(40); // 40 req/s at 10 per replica: 4 replicas
        long t0 = System.nanoTime();
        await("the replicas move", Duration.ofSeconds(20), () -> replicas(hub) != 1);
        double firstMove = (System.nanoTime() - t0) / 1e9;
        await("4 replicas for 40 req/s", Duration.ofSeconds(20), () -> replicas(hub) == 4);
        double followed = (System.nanoTime() - t0) / 1e9;
        load.rate(15); // 2 replicas
        long t1 = System.nanoTime();
        await("2 replicas for 15 req/s", Duration.ofSeconds(20), () -> replicas(hub) == 2);
        double shrunk = (System.nanoTime() - t1) / 1e9;
        Thread.sleep((long) (PERIOD_SECONDS * 1500));
        System.out.printf("ServiceLoopIT: period %.0f s; 1 -> 4 replicas: first change after %.1f s, all 4 after %.1f s;"
            + " 4 -> 2 after %.1f s; %d requests, %d failed%n",
            PERIOD_SECONDS, firstMove, followed, shrunk, load.sent.get(), load.failures.size());
        // each period boundary applies the rate measured over the period before it: the first change
        // comes at the first boundary (< 1 period + start-up), the full target once a whole period of
        // the new rate was measured (< 2 periods + start-up)
        double startUp = 3.0; // replica start-up and a busy machine
        assertThat(firstMove).isLessThan(PERIOD_SECONDS + startUp);
        assertThat(followed).isLessThan(2 * PERIOD_SECONDS + startUp);
        assertThat(shrunk).isLessThan(2 * PERIOD_SECONDS + startUp);
      } finally {
        load.stop();
      }
      assertThat(load.failures).as("requests that did not get 200 during the changes").isEmpty();
      assertThat(load.sent.get()).isGreaterThan(100);

      JsonNode view = hub.admin.json("/hub/api/services/echo");
      assertThat(view.path("replicas").size()).isEqualTo(2);
      assertThat(view.path("requests_per_second").asDouble()).isGreaterThan(5);
      List<ServiceReplica> running = hub.plane.hub().services().current("echo");
      assertThat(hub.plane.discovery().placement().reservations()).extracting(r -> r.owner())
          .containsExactlyInAnyOrderElementsOf(running.stream().map(ServiceReplica::owner).toList());
      assertThat(hub.cluster.totalRunningContainers()).isEqualTo(2);
      String page = hub.admin.call("GET", "/hub/services", null).body();
      assertThat(page).contains("echo").contains(running.get(0).hostname());

      // a restarted hub adopts the running replicas instead of starting new ones, and releases the
      // reservation of a replica it had placed but not started when it stopped (a crash between the two)
      List<String> containers = running.stream().map(ServiceReplica::containerId).sorted().toList();
      String node = running.get(0).hostname();
      hub.restartControlPlaneWith(stores -> stores.reservations().added(List.of(new dev.gpuhub.core.allocation.Reservation(
          "in-flight-replica", dev.gpuhub.server.services.ServiceReplica.owner("echo", 9), "svc-echo", node, 0.1, 0.1,
          List.of(), dev.gpuhub.core.allocation.ReservationState.HELD, java.time.Instant.now(),
          java.time.Instant.now().plusSeconds(3600), null, null))));
      await("replicas adopted after the restart", Duration.ofSeconds(30), () -> replicas(hub) == 2);
      await("the reservation of the replica placed but never started is released", Duration.ofSeconds(10),
          () -> hub.plane.discovery().placement().reservations().stream()
              .noneMatch(r -> r.owner().equals(dev.gpuhub.server.services.ServiceReplica.owner("echo", 9))));
      assertThat(hub.plane.hub().services().current("echo").stream().map(ServiceReplica::containerId).sorted().toList())
          .isEqualTo(containers);
      assertThat(hub.cluster.totalRunningContainers()).isEqualTo(2);
      assertThat(hub.plane.discovery().placement().reservations()).hasSize(2);
      HttpResponse<String> after = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(hub.plane.hub().url() + "/svc/echo/")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(after.statusCode()).isEqualTo(200);

      assertThat(hub.admin.call("DELETE", "/hub/api/services/echo", null).statusCode()).isEqualTo(204);
      assertThat(hub.cluster.totalRunningContainers()).isZero();
      assertThat(hub.plane.discovery().placement().reservations()).isEmpty();
    }
  }

  private static int replicas(SimulatedHub hub) {
    return hub.plane.hub().services().current("echo").size();
  }

  /** An open-loop load: one GET every 1/rate seconds, each checked for 200. */
  private static final class Load {
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final AtomicInteger sent = new AtomicInteger();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final URI uri;
    ScheduledFuture<?> task;

    Load(String url) {
      this.uri = URI.create(url);
    }

    synchronized void rate(double perSecond) {
      if (task != null) task.cancel(false);
      long every = Math.round(1_000_000 / perSecond);
      task = timer.scheduleAtFixedRate(this::one, 0, every, TimeUnit.MICROSECONDS);
    }

    void one() {
      sent.incrementAndGet();
      http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString())
          .whenComplete((r, e) -> {
            if (e != null) failures.add(e.toString());
            else if (r.statusCode() != 200) failures.add(r.statusCode() + " " + r.body());
          });
    }

    void stop() throws InterruptedException {
      if (task != null) task.cancel(false);
      timer.shutdown();
      timer.awaitTermination(5, TimeUnit.SECONDS);
      Thread.sleep(500); // let the last answers arrive
    }
  }
}
