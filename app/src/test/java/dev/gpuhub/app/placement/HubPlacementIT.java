package dev.gpuhub.app.placement;

import static dev.gpuhub.app.placement.SimulatedHub.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.core.allocation.QueueEntry;
import dev.gpuhub.core.allocation.Reservation;
import dev.gpuhub.core.allocation.ReservationState;
import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.server.hub.spawn.ServerState;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bursts of spawns through the hub's REST API against simulated nodes: the placement engine's
 * promises checked end to end, counting containers through the agents' node runtimes.
 */
class HubPlacementIT {
  @TempDir
  Path dataDir;

  @Test
  void twoHundredSimultaneousSpawnsOnFourNodesWithRoomForSixtyEach() throws Exception {
    try (SimulatedHub hub = new SimulatedHub(dataDir, 4, "cores=120,ram=240G,max_containers=60")) {
      List<String> users = users(200);
      hub.createUsers(users);
      long t0 = System.nanoTime();
      List<String> refused = spawnAtOnce(hub, users, "single-cpu");
      assertThat(refused).as("spawn requests not accepted").isEmpty();
      await("200 servers run", Duration.ofSeconds(240), () -> hub.count(users, ServerState.RUNNING) == 200
          || hub.count(users, ServerState.FAILED) > 0);
      long millis = (System.nanoTime() - t0) / 1_000_000;
      assertThat(hub.count(users, ServerState.FAILED)).as("failed spawns").isZero();

      Map<String, List<ContainerSpec>> byNode = hub.containersByNode();
      Map<String, Integer> counts = new HashMap<>();
      byNode.forEach((h, cs) -> counts.put(h, cs.size()));
      Map<String, Long> reservedPerNode = new java.util.TreeMap<>();
      hub.plane.discovery().placement().reservations().forEach(r -> reservedPerNode.merge(r.hostname(), 1L, Long::sum));
      System.out.printf("HubPlacementIT: 200 spawns on 4 nodes all running %d ms after the burst; containers per node %s; reservations per node %s%n",
          millis, counts, reservedPerNode);
      assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(200);
      assertThat(Collections.max(counts.values()) - Collections.min(counts.values())).as("max - min per node").isLessThanOrEqualTo(1);
      assertThat(counts.values()).allMatch(c -> c <= 60);

      List<Reservation> reservations = hub.plane.discovery().placement().reservations();
      assertThat(reservations).hasSize(200).allMatch(r -> r.state() == ReservationState.BOUND);
      JsonNode api = hub.discovery("/reservations");
      assertThat(api.path("reservations").size()).isEqualTo(200);
      for (JsonNode n : api.path("nodes")) {
        assertThat(n.path("cpu_reserved").asDouble()).as(n.toString()).isLessThanOrEqualTo(n.path("cpu_capacity").asDouble());
        assertThat(n.path("memory_reserved_gb").asDouble()).isLessThanOrEqualTo(n.path("memory_capacity_gb").asDouble());
      }
      // each container runs where its reservation is, bound to that very container
      for (Reservation r : reservations) {
        String user = r.owner().substring("server:".length());
        assertThat(byNode.get(r.hostname())).anyMatch(c -> user.equals(c.labels().get("gpuhub.user")));
      }
    }
  }

  @Test
  void whatDoesNotFitQueuesAndIsServedInOrderAsServersStop() throws Exception {
    try (SimulatedHub hub = new SimulatedHub(dataDir, 3, "cores=100,ram=200G,max_containers=50")) {
      List<String> users = users(200);
      hub.createUsers(users);
      assertThat(spawnAtOnce(hub, users, "single-cpu")).isEmpty();
      await("150 run and 50 wait", Duration.ofSeconds(240), () -> hub.count(users, ServerState.RUNNING) == 150
          && hub.plane.discovery().placement().queue().size() == 50);
      assertThat(hub.count(users, ServerState.FAILED)).isZero();
      assertThat(hub.cluster.totalRunningContainers()).isEqualTo(150);

      List<QueueEntry> queue = hub.plane.discovery().placement().queue();
      List<String> order = new ArrayList<>();
      for (int i = 0; i < queue.size(); i++) {
        assertThat(queue.get(i).position()).isEqualTo(i + 1);
        assertThat(queue.get(i).queueLength()).isEqualTo(50);
        order.add(queue.get(i).owner().substring("server:".length()));
      }
      // what the waiting user sees through the API
      JsonNode head = hub.admin.json("/hub/api/users/" + order.get(0) + "/server");
      assertThat(head.path("state").asText()).isEqualTo("pending");
      assertThat(head.path("queue").path("position").asInt()).isEqualTo(1);
      assertThat(head.path("queue").path("why_pending").toString()).contains("runs 50 containers; the limit is 50");
      JsonNode tail = hub.admin.json("/hub/api/users/" + order.get(49) + "/server");
      assertThat(tail.path("queue").path("position").asInt()).isEqualTo(50);
      assertThat(tail.path("queue").path("why_pending").path("queue").asText()).isEqualTo("49 earlier request(s) wait ahead");

      List<String> running = users.stream().filter(u -> hub.server(u).get().state() == ServerState.RUNNING).toList();
      for (int i = 0; i < 50; i++) {
        String next = order.get(i);
        HttpResponse<String> stop = hub.admin.call("DELETE", "/hub/api/users/" + running.get(i) + "/server", null);
        assertThat(stop.statusCode()).isEqualTo(204);
        await(next + " runs after " + (i + 1) + " stops", Duration.ofSeconds(30),
            () -> hub.server(next).get().state() == ServerState.RUNNING);
        List<QueueEntry> now = hub.plane.discovery().placement().queue();
        assertThat(now).extracting(q -> q.owner().substring("server:".length())).containsExactlyElementsOf(order.subList(i + 1, 50));
        assertThat(hub.cluster.totalRunningContainers()).isEqualTo(150);
      }
      assertThat(hub.count(users, ServerState.FAILED)).isZero();
    }
  }

  @Test
  void gpuUsersGetDistinctDevicesAndTheFifthGetsTheFirstReleasedOne() throws Exception {
    try (SimulatedHub hub = new SimulatedHub(dataDir, 2, "cores=16,ram=64G,gpus=2,max_containers=10")) {
      List<String> users = List.of("g1", "g2", "g3", "g4", "g5");
      hub.createUsers(users);
      assertThat(spawnAtOnce(hub, users, "single-gpu")).isEmpty();
      await("4 GPU servers run and 1 waits", Duration.ofSeconds(60), () -> hub.count(users, ServerState.RUNNING) == 4
          && hub.plane.discovery().placement().queue().size() == 1);
      Map<String, String> devices = checkDevices(hub);
      assertThat(devices).hasSize(4);
      String waiting = users.stream().filter(u -> hub.server(u).get().state() == ServerState.PENDING).findFirst().orElseThrow();
      assertThat(hub.admin.json("/hub/api/users/" + waiting + "/server").path("queue").path("why_pending").toString())
          .contains("0 of 2 GPUs free");

      String leaving = users.stream().filter(u -> !u.equals(waiting)).findFirst().orElseThrow();
      String freed = devices.entrySet().stream().filter(e -> e.getValue().equals(leaving)).findFirst().orElseThrow().getKey();
      assertThat(hub.admin.call("DELETE", "/hub/api/users/" + leaving + "/server", null).statusCode()).isEqualTo(204);
      checkDevices(hub);
      await(waiting + " runs", Duration.ofSeconds(30), () -> hub.server(waiting).get().state() == ServerState.RUNNING);
      Map<String, String> after = checkDevices(hub);
      assertThat(after).containsEntry(freed, waiting).hasSize(4);
      String admin = hub.admin.call("GET", "/hub/admin", null).body();
      assertThat(admin).contains(freed).contains("<td>" + waiting + "</td>");
      for (String u : users) hub.admin.call("DELETE", "/hub/api/users/" + u + "/server", null);
      await("every device free", Duration.ofSeconds(30), () -> hub.plane.discovery().placement().reservations().isEmpty());
      assertThat(checkDevices(hub)).isEmpty();
    }
  }

  @Test
  void reservationsSurviveAHubRestartAndAreReconciledWithTheNodes() throws Exception {
    try (SimulatedHub hub = new SimulatedHub(dataDir, 2, "cores=8,ram=32G,max_containers=3")) {
      List<String> first = List.of("r1", "r2", "r3", "r4");
      List<String> later = List.of("r5", "r6", "r7");
      hub.createUsers(first);
      hub.createUsers(later);
      assertThat(spawnAtOnce(hub, first, "single-cpu")).isEmpty();
      await("4 servers run", Duration.ofSeconds(60), () -> hub.count(first, ServerState.RUNNING) == 4);
      String gone = "r1";
      String goneNode = hub.server(gone).get().primaryHostname();
      String goneContainer = hub.server(gone).get().containerId();

      // while the hub is down, r1's container dies on its node
      hub.restartControlPlane(() -> hub.cluster.runtime(goneNode).remove(goneContainer));
      await("r2..r4 adopted and r1 ended", Duration.ofSeconds(60),
          () -> hub.count(first, ServerState.RUNNING) == 3 && !hub.plane.hub().reconciler().awaitingAdoption());
      await("r1's reservation released", Duration.ofSeconds(10),
          () -> hub.plane.discovery().placement().reservationsOf("server:" + gone).isEmpty());
      List<Reservation> restored = hub.plane.discovery().placement().reservations();
      assertThat(restored).extracting(Reservation::owner).containsExactlyInAnyOrder("server:r2", "server:r3", "server:r4");
      assertThat(restored).allMatch(r -> r.state() == ReservationState.BOUND);

      // 6 slots in all, 3 held by the adopted servers: of 3 new spawns, 3 fit, and a 4th would wait
      assertThat(spawnAtOnce(hub, later, "single-cpu")).isEmpty();
      await("3 more run", Duration.ofSeconds(60), () -> hub.count(later, ServerState.RUNNING) == 3);
      hub.createUsers(List.of("r8"));
      assertThat(spawnAtOnce(hub, List.of("r8"), "single-cpu")).isEmpty();
      await("r8 waits", Duration.ofSeconds(10), () -> hub.plane.discovery().placement().queue().size() == 1);
      assertThat(hub.cluster.runningCounts().values()).allMatch(c -> c <= 3);
      assertThat(hub.cluster.totalRunningContainers()).isEqualTo(6);
    }
  }

  @Test
  void aServerWhoseContainerDiesIsEndedAndItsRoomFreedForTheQueue() throws Exception {
    try (SimulatedHub hub = new SimulatedHub(dataDir, 1, "cores=8,ram=32G,gpus=1,max_containers=5")) {
      hub.createUsers(List.of("d1", "d2"));
      assertThat(spawnAtOnce(hub, List.of("d1"), "single-gpu")).isEmpty();
      await("d1 runs", Duration.ofSeconds(30), () -> hub.count(List.of("d1"), ServerState.RUNNING) == 1);
      assertThat(spawnAtOnce(hub, List.of("d2"), "single-gpu")).isEmpty();
      await("d2 waits for the GPU", Duration.ofSeconds(10), () -> hub.plane.discovery().placement().queue().size() == 1);

      hub.cluster.runtime("sim-01").exit(hub.server("d1").get().containerId(), 137); // killed on the node
      hub.plane.hub().reconciler().removeOrphans(); // the culler's periodic pass
      assertThat(hub.server("d1").get().state()).isEqualTo(ServerState.FAILED);
      assertThat(hub.server("d1").get().failureReason()).isEqualTo("its container on sim-01 is no longer running");
      await("d2 gets the GPU", Duration.ofSeconds(30), () -> hub.count(List.of("d2"), ServerState.RUNNING) == 1);
      assertThat(hub.plane.discovery().placement().reservations()).extracting(Reservation::owner).containsExactly("server:d2");
      checkDevices(hub);
    }
  }

  /**
   * Every GPU held at most once, in the reservations and in the containers the agents run, and each
   * container got exactly its reservation's devices. Returns device to user.
   */
  private static Map<String, String> checkDevices(SimulatedHub hub) {
    Map<String, String> reserved = new HashMap<>();
    for (Reservation r : hub.plane.discovery().placement().reservations()) {
      for (String g : r.gpuUuids()) {
        assertThat(reserved.put(g, r.owner().substring("server:".length()))).as("GPU " + g + " reserved twice").isNull();
      }
    }
    Map<String, String> inContainers = new HashMap<>();
    hub.containersByNode().forEach((host, containers) -> {
      for (ContainerSpec c : containers) {
        for (String g : c.gpuDeviceUuids()) {
          assertThat(g).as("device of a container on " + host).startsWith("GPU-sim-" + host);
          assertThat(inContainers.put(g, c.labels().get("gpuhub.user"))).as("GPU " + g + " in two containers").isNull();
        }
      }
    });
    for (Map.Entry<String, String> e : inContainers.entrySet()) assertThat(reserved).containsEntry(e.getKey(), e.getValue());
    return inContainers;
  }

  private static List<String> users(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(String.format("u%03d", i));
    return out;
  }

  /** POSTs every user's server start at the same moment; returns "user: status body" for those not accepted. */
  private static List<String> spawnAtOnce(SimulatedHub hub, List<String> users, String profile) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(64, users.size()));
    CountDownLatch go = new CountDownLatch(1);
    List<String> refused = Collections.synchronizedList(new ArrayList<>());
    Set<String> accepted = Collections.synchronizedSet(new HashSet<>());
    for (String u : users) {
      pool.execute(() -> {
        try {
          go.await();
          HttpResponse<String> r = hub.admin.call("POST", "/hub/api/users/" + u + "/server", "{\"profile\":\"" + profile + "\"}");
          if (r.statusCode() == 202 || r.statusCode() == 201) accepted.add(u);
          else refused.add(u + ": " + r.statusCode() + " " + r.body());
        } catch (Exception e) {
          refused.add(u + ": " + e);
        }
      });
    }
    go.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
    return refused;
  }
}
