package dev.gpuhub.core.allocation;

import static dev.gpuhub.core.allocation.TestCluster.checkInvariants;
import static dev.gpuhub.core.allocation.TestCluster.cpu;
import static dev.gpuhub.core.allocation.TestCluster.gpu;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.placement.NotEnoughNodesException;
import dev.gpuhub.core.placement.Thresholds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PlacementEngineTest {
  private static final Duration WAIT = Duration.ofMinutes(10);

  @Test
  void concurrentBurstSpreadsEvenlyWithoutOverbooking() throws Exception {
    TestCluster c = new TestCluster();
    for (int i = 1; i <= 4; i++) c.node("n" + i, 120, 240, 0, 60); // room for 60 of 2 cores / 2 GB each
    PlacementEngine engine = c.engine();
    ExecutorService pool = Executors.newFixedThreadPool(32);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<PlacementTicket>> tickets = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String owner = "server:u" + i;
      tickets.add(pool.submit(() -> {
        go.await();
        return engine.submit(cpu(owner, 2, 2, 1), WAIT);
      }));
    }
    go.countDown();
    int placed = 0;
    for (Future<PlacementTicket> f : tickets) {
      assertThat(f.get(10, TimeUnit.SECONDS).result().get(10, TimeUnit.SECONDS).reservations()).hasSize(1);
      placed++;
    }
    pool.shutdown();
    Map<String, Integer> perNode = checkInvariants(engine, c);
    assertThat(placed).isEqualTo(200);
    assertThat(perNode.values()).containsOnly(50);
    assertThat(engine.queue()).isEmpty();
  }

  @Test
  void whatDoesNotFitQueuesInOrderAndIsServedAsServersStop() throws Exception {
    TestCluster c = new TestCluster();
    for (int i = 1; i <= 3; i++) c.node("n" + i, 100, 100, 0, 50); // 150 in total
    PlacementEngine engine = c.engine();
    List<PlacementTicket> tickets = new ArrayList<>();
    for (int i = 0; i < 200; i++) tickets.add(engine.submit(cpu("server:u" + i, 2, 2, 1), WAIT));
    assertThat(tickets.subList(0, 150)).allMatch(t -> t.result().isDone() && !t.result().isCompletedExceptionally());
    assertThat(tickets.subList(150, 200)).noneMatch(t -> t.result().isDone());
    List<QueueEntry> queue = engine.queue();
    assertThat(queue).hasSize(50);
    for (int i = 0; i < 50; i++) {
      assertThat(queue.get(i).owner()).isEqualTo("server:u" + (150 + i));
      assertThat(queue.get(i).position()).isEqualTo(i + 1);
    }
    assertThat(queue.get(0).why().get("n1")).contains("runs 50 containers; the limit is 50");
    assertThat(queue.get(1).why()).containsEntry("queue", "1 earlier request(s) wait ahead");
    checkInvariants(engine, c);

    for (int i = 0; i < 50; i++) {
      c.now = c.now.plusSeconds(10);
      engine.release("server:u" + i);
      for (int j = 150; j < 200; j++) {
        assertThat(tickets.get(j).result().isDone()).as("u%d served after %d releases", j, i + 1).isEqualTo(j <= 150 + i);
      }
      checkInvariants(engine, c);
    }
    // the freed node of each release took the next one in the queue
    assertThat(tickets.get(150).result().get().primary().hostname())
        .isEqualTo(tickets.get(0).result().get().primary().hostname());
  }

  @Test
  void queueEstimateFollowsThePaceOfReleases() {
    TestCluster c = new TestCluster().node("n1", 4, 4, 0, 2);
    PlacementEngine engine = c.engine();
    engine.submit(cpu("a", 1, 1, 1), WAIT);
    engine.submit(cpu("b", 1, 1, 1), WAIT);
    engine.submit(cpu("c", 1, 1, 1), WAIT);
    engine.submit(cpu("d", 1, 1, 1), WAIT);
    assertThat(engine.queued("server:none")).isEmpty();
    assertThat(engine.queued("d").orElseThrow().estimatedSeconds()).isNull();
    engine.release("a");
    c.now = c.now.plusSeconds(30);
    engine.release("b");
    assertThat(engine.queue()).isEmpty();
    engine.submit(cpu("e", 1, 1, 1), WAIT);
    engine.submit(cpu("f", 1, 1, 1), WAIT);
    assertThat(engine.queued("f").orElseThrow().position()).isEqualTo(2);
    assertThat(engine.queued("f").orElseThrow().estimatedSeconds()).isEqualTo(60);
  }

  @Test
  void gpuDevicesAreExclusiveAndTheFifthUserGetsTheFirstReleasedDevice() throws Exception {
    TestCluster c = new TestCluster().node("g1", 16, 64, 2, 10).node("g2", 16, 64, 2, 10);
    PlacementEngine engine = c.engine();
    List<PlacementTicket> t = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      t.add(engine.submit(gpu("server:g" + i), WAIT));
      checkInvariants(engine, c);
    }
    Set<String> devices = new HashSet<>();
    for (int i = 0; i < 4; i++) devices.addAll(t.get(i).result().get().primary().gpuUuids());
    assertThat(devices).hasSize(4);
    assertThat(t.get(4).result()).isNotDone();
    assertThat(engine.queued("server:g5").orElseThrow().why().values()).allMatch(w -> w.contains("0 of 2 GPUs free"));
    String freed = t.get(2).result().get().primary().gpuUuids().get(0);
    engine.release("server:g3");
    checkInvariants(engine, c);
    assertThat(t.get(4).result().get().primary().gpuUuids()).containsExactly(freed);
  }

  @Test
  void listenersHearOfQueuedRequestsAndAPromiseShowsInTheQueueUntilServed() throws Exception {
    TestCluster c = new TestCluster().node("g1", 16, 64, 1, 10);
    PlacementEngine engine = c.engine();
    List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    engine.onQueued(r -> heard.add(r.owner()));
    engine.submit(gpu("job:1/0"), WAIT).result().get();
    assertThat(heard).as("placed at once: nothing to hear").isEmpty();
    PlacementTicket bob = engine.submit(gpu("server:bob"), WAIT);
    assertThat(heard).containsExactly("server:bob");
    assertThat(engine.waiting("gpu")).extracting(PlacementRequest::owner).containsExactly("server:bob");

    engine.promise("server:nobody", 1, Duration.ofSeconds(15)); // not waiting: ignored
    engine.promise("server:bob", 1, Duration.ofSeconds(15));
    QueueEntry q = engine.queued("server:bob").orElseThrow();
    assertThat(q.estimatedSeconds()).isEqualTo(15);
    assertThat(q.why()).containsEntry("jobs", "training jobs are giving up 1 GPU(s) for this request");

    PlacementRequest besideTheQueue = gpu("job:2/0");
    assertThatThrownBy(() -> engine.placeNow(besideTheQueue)).isInstanceOf(NotEnoughNodesException.class);
    engine.release("job:1/0");
    assertThat(bob.result().get().primary().hostname()).isEqualTo("g1");
    assertThat(engine.queue()).isEmpty();
    assertThat(engine.waiting("gpu")).isEmpty();
  }

  @Test
  void workPlannedAroundTheQueueMayBePlacedBesideIt() throws Exception {
    TestCluster c = new TestCluster().node("g1", 16, 64, 2, 10);
    PlacementEngine engine = c.engine();
    engine.submit(gpu("server:a"), WAIT).result().get();
    engine.submit(TestCluster.gpus("server:b", 2, null, 1), WAIT); // needs both GPUs: waits
    assertThat(engine.waiting("gpu")).extracting(PlacementRequest::owner).containsExactly("server:b");
    assertThatThrownBy(() -> engine.placeNow(gpu("job:9/0"))).isInstanceOf(NotEnoughNodesException.class)
        .hasMessageContaining("would overtake");
    assertThat(engine.placeBesideQueue(gpu("job:9/0")).primary().gpuUuids()).hasSize(1);
    checkInvariants(engine, c);
  }

  @Test
  void cpuOnlyWorkKeepsOffFreeGpusWhileCpuNodesHaveRoom() throws Exception {
    TestCluster c = new TestCluster().node("cpu1", 8, 32, 0, 10).node("gpu1", 64, 256, 1, 10);
    PlacementEngine engine = c.engine();
    for (int i = 0; i < 4; i++) {
      assertThat(engine.submit(cpu("c" + i, 2, 2, 1), WAIT).result().get().primary().hostname()).isEqualTo("cpu1");
    }
    // cpu1 is full: the GPU node takes CPU work rather than queueing it
    assertThat(engine.submit(cpu("c4", 2, 2, 1), WAIT).result().get().primary().hostname()).isEqualTo("gpu1");
  }

  @Test
  void packFillsOneNodeBeforeTheNext() throws Exception {
    TestCluster c = new TestCluster().node("a", 8, 8, 0, 10).node("b", 8, 8, 0, 10);
    PlacementEngine engine = c.engine();
    List<String> hosts = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      PlacementRequest r = new PlacementRequest("p" + i, "x", 2, 2, 0, 1, new Thresholds(100, 100, null),
          PlacementPolicy.PACK, List.of());
      hosts.add(engine.submit(r, WAIT).result().get().primary().hostname());
    }
    assertThat(hosts).containsExactly("a", "a", "a", "a", "b", "b");
  }

  @Test
  void seedAlgorithmsRunOverNodesWithRoomOnly() {
    TestCluster c = new TestCluster().node("a", 4, 4, 0, 10).node("b", 4, 4, 0, 10);
    PlacementEngine engine = c.engine();
    List<String> hosts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      PlacementRequest r = new PlacementRequest("s" + i, "x", 2, 2, 0, 1, new Thresholds(100, 100, null),
          PlacementPolicy.BEST_FIT, List.of());
      hosts.add(engine.placeNow(r).primary().hostname());
    }
    assertThat(hosts).containsExactlyInAnyOrder("a", "a", "b", "b"); // best_fit on stale scores alone would say a, a, a, a
    assertThatThrownBy(() -> engine.placeNow(new PlacementRequest("s5", "x", 2, 2, 0, 1,
        new Thresholds(100, 100, null), PlacementPolicy.BEST_FIT, List.of())))
        .isInstanceOf(NotEnoughNodesException.class)
        .hasMessageContaining("0 have room").hasMessageContaining("a: 0 of 4 cores unreserved; 2 needed");
  }

  @Test
  void multiNodeRequestsTakeDistinctNodesAndPreferredOnesWhenTheyHaveRoom() throws Exception {
    TestCluster c = new TestCluster().node("a", 8, 8, 0, 10).node("b", 8, 8, 0, 10).node("c", 8, 8, 0, 10);
    PlacementEngine engine = c.engine();
    Placement p = engine.submit(cpu("m", 4, 4, 3), WAIT).result().get();
    assertThat(p.hostnames()).containsExactlyInAnyOrder("a", "b", "c");
    PlacementRequest pref = new PlacementRequest("n", "x", 4, 4, 0, 2, new Thresholds(100, 100, null),
        PlacementPolicy.SPREAD, List.of("c", "a"));
    assertThat(engine.submit(pref, WAIT).result().get().hostnames()).containsExactly("c", "a");
  }

  @Test
  void aPlannerCanDemandExactNodesAndIsRefusedWhenTheyAreFull() {
    TestCluster c = new TestCluster().node("a", 4, 4, 0, 10).node("b", 4, 4, 1, 10);
    PlacementEngine engine = c.engine();
    PlacementRequest onB = new PlacementRequest("svc:x:1", "x", 2, 2, 0, 1, new Thresholds(100, 100, null),
        PlacementPolicy.SPREAD, List.of("b"), true);
    assertThat(engine.placeNow(onB).hostnames()).containsExactly("b"); // even though b has a free GPU
    engine.placeNow(new PlacementRequest("svc:x:2", "x", 2, 2, 0, 1, new Thresholds(100, 100, null),
        PlacementPolicy.SPREAD, List.of("b"), true));
    assertThatThrownBy(() -> engine.placeNow(new PlacementRequest("svc:x:3", "x", 2, 2, 0, 1,
        new Thresholds(100, 100, null), PlacementPolicy.SPREAD, List.of("b"), true)))
        .isInstanceOf(NotEnoughNodesException.class)
        .hasMessage("x must go on b, which have no room: b: 0 of 4 cores unreserved; 2 needed");
    assertThatThrownBy(() -> new PlacementRequest("o", "x", 1, 1, 0, 2, new Thresholds(100, 100, null),
        PlacementPolicy.SPREAD, List.of("b"), true)).hasMessageContaining("needs 2 of them, got 1");
  }

  @Test
  void requestsThatCanNeverFitFailAtOnceWithTheReason() {
    TestCluster c = new TestCluster().node("small", 2, 4, 0, 10);
    PlacementEngine engine = c.engine();
    PlacementTicket t = engine.submit(cpu("big", 4, 2, 1), WAIT);
    assertThat(t.result()).isCompletedExceptionally();
    assertThatThrownBy(() -> t.result().get()).hasCauseInstanceOf(NotEnoughNodesException.class)
        .hasMessageContaining("needs 1 node with room for 4 cores, 2 GB; 0 could hold it even when idle").hasMessageContaining("small: has 2 cpu cores; 4 are needed");
    assertThat(engine.submit(gpu("g"), WAIT).result()).isCompletedExceptionally();
    assertThat(engine.queue()).isEmpty();
  }

  @Test
  void queuedRequestsGiveUpAfterTheirMaximumWait() {
    TestCluster c = new TestCluster().node("n", 2, 2, 0, 10);
    PlacementEngine engine = c.engine();
    engine.submit(cpu("a", 2, 2, 1), WAIT);
    PlacementTicket waiting = engine.submit(cpu("b", 2, 2, 1), Duration.ofSeconds(60));
    c.now = c.now.plusSeconds(59);
    engine.tick();
    assertThat(waiting.result()).isNotDone();
    c.now = c.now.plusSeconds(1);
    engine.tick();
    assertThatThrownBy(() -> waiting.result().get()).hasCauseInstanceOf(NotEnoughNodesException.class)
        .hasMessageContaining("no room for profile single-cpu within 60 s of waiting (position 1")
        .hasMessageContaining("n: 0 of 2 cores unreserved");
    assertThat(engine.queue()).isEmpty();
  }

  @Test
  void cancellingAQueuedRequestRemovesItAndMovesTheOthersUp() {
    TestCluster c = new TestCluster().node("n", 2, 2, 0, 10);
    PlacementEngine engine = c.engine();
    engine.submit(cpu("a", 2, 2, 1), WAIT);
    PlacementTicket b = engine.submit(cpu("b", 2, 2, 1), WAIT);
    PlacementTicket d = engine.submit(cpu("d", 2, 2, 1), WAIT);
    assertThat(engine.queued("d").orElseThrow().position()).isEqualTo(2);
    engine.release("b");
    assertThatThrownBy(() -> b.result().get()).isInstanceOf(CancellationException.class);
    assertThat(engine.queued("d").orElseThrow().position()).isEqualTo(1);
    engine.release("a");
    assertThat(d.result()).isCompleted();
  }

  @Test
  void theQueueKeepsTheOrderRequestsWereAskedForNotTheOrderTheyArrived() {
    TestCluster c = new TestCluster().node("n", 2, 2, 0, 10);
    PlacementEngine engine = c.engine();
    java.time.Instant t0 = c.now;
    engine.submit(cpu("running", 2, 2, 1), WAIT, t0);
    // w3, then w1 and w2 whose starts had work to do before placement (or were resumed after a restart)
    engine.submit(cpu("w3", 2, 2, 1), WAIT, t0.plusMillis(3));
    PlacementTicket w1 = engine.submit(cpu("w1", 2, 2, 1), WAIT, t0.plusMillis(1));
    engine.submit(cpu("w2", 2, 2, 1), WAIT, t0.plusMillis(2));
    engine.submit(cpu("w2b", 2, 2, 1), WAIT, t0.plusMillis(2)); // same time: in submission order
    assertThat(engine.waiting("cpu")).extracting(PlacementRequest::owner).containsExactly("w1", "w2", "w2b", "w3");
    assertThat(engine.queued("w3").orElseThrow().position()).isEqualTo(4);
    assertThat(w1.result()).isNotDone();
    engine.release("running");
    assertThat(w1.result()).isCompleted();
    assertThat(engine.waiting("cpu")).extracting(PlacementRequest::owner).containsExactly("w2", "w2b", "w3");
  }

  @Test
  void aRequestAskedForBeforeEveryQueuedOneIsPlacedAtOnceWhenItFitsWhereTheHeadDoesNot() {
    TestCluster c = new TestCluster().node("n", 4, 4, 0, 10);
    PlacementEngine engine = c.engine();
    java.time.Instant t0 = c.now;
    engine.submit(cpu("running", 3, 3, 1), WAIT, t0);
    PlacementTicket big = engine.submit(cpu("big", 2, 2, 1), WAIT, t0.plusMillis(5)); // 1 core left: waits
    PlacementTicket small = engine.submit(cpu("small", 1, 1, 1), WAIT, t0.plusMillis(1)); // asked first, fits
    assertThat(small.result()).isCompleted();
    assertThat(big.result()).isNotDone();
    assertThat(engine.waiting("cpu")).extracting(PlacementRequest::owner).containsExactly("big");
    checkInvariants(engine, c);
  }

  @Test
  void heldReservationsLapseWhenNothingBindsThemButBoundOnesStay() {
    TestCluster c = new TestCluster().node("n", 8, 8, 0, 10);
    c.hold = Duration.ofSeconds(120);
    PlacementEngine engine = c.engine();
    engine.placeNow(cpu("held", 2, 2, 1));
    engine.placeNow(cpu("bound", 2, 2, 1));
    engine.bind("bound", Map.of("n", "container-1"));
    c.now = c.now.plusSeconds(120);
    engine.tick();
    assertThat(engine.reservations()).extracting(Reservation::owner).containsExactly("bound");
    assertThat(engine.bind("held", Map.of())).isEmpty();
    assertThat(c.journal.all()).extracting(Reservation::owner).containsExactly("bound");
  }

  @Test
  void containersNotYetReportedCountAgainstTheSlotLimit() {
    TestCluster c = new TestCluster().node("n", 64, 64, 0, 3);
    PlacementEngine engine = c.engine();
    engine.placeNow(cpu("a", 1, 1, 1));
    c.now = c.now.plusSeconds(1);
    engine.bind("a", Map.of("n", "ca"));
    engine.placeNow(cpu("b", 1, 1, 1));
    // the node's report still shows 0 containers: a (bound after the report) and b (held) are unseen
    assertThat(engine.allocations().get(0).containers()).isEqualTo(2);
    c.now = c.now.plusSeconds(1);
    c.node("n", 64, 64, 0, 3); // a new report, taken after a started, showing it
    c.nodes.put("n", c.nodes.get("n").withTotalContainers(1));
    assertThat(engine.allocations().get(0).containers()).isEqualTo(2);
    engine.placeNow(cpu("c", 1, 1, 1));
    assertThatThrownBy(() -> engine.placeNow(cpu("d", 1, 1, 1))).hasMessageContaining("runs 3 containers; the limit is 3");
  }

  @Test
  void agentsThatCountTheirGpuhubContainersLetSlotsBeCountedExactly() {
    TestCluster c = new TestCluster().node("n", 64, 64, 0, 6);
    PlacementEngine engine = c.engine();
    engine.placeNow(cpu("a", 1, 1, 1));
    engine.placeNow(cpu("b", 1, 1, 1));
    // the report already shows a's and b's containers (started, not yet bound) and 2 foreign ones
    c.nodes.put("n", withCounts(c.nodes.get("n"), 4, 2));
    assertThat(engine.allocations().get(0).containers()).isEqualTo(4); // not 6: nothing counted twice
    engine.placeNow(cpu("c", 1, 1, 1));
    engine.placeNow(cpu("d", 1, 1, 1));
    assertThatThrownBy(() -> engine.placeNow(cpu("e", 1, 1, 1))).hasMessageContaining("runs 6 containers; the limit is 6");
    // an orphan gpuhub container no reservation explains still takes its slot
    engine.release("d");
    c.nodes.put("n", withCounts(c.nodes.get("n"), 6, 4));
    assertThat(engine.allocations().get(0).containers()).isEqualTo(6);
  }

  private static dev.gpuhub.core.node.NodeReport withCounts(dev.gpuhub.core.node.NodeReport r, int total, int managed) {
    return new dev.gpuhub.core.node.NodeReport(r.hostname(), r.ip(), r.cpuCores(), r.ramGb(), r.cpuUsagePercent(),
        r.memoryUsagePercent(), r.diskUsagePercent(), r.hasGpu(), r.gpuInfo(), r.maxContainers(), r.isActive(), total,
        0, 0, r.lastUpdated(), r.agentPort(), managed);
  }

  @Test
  void aFailedJournalWriteLeavesNothingBehind() {
    TestCluster c = new TestCluster().node("n", 8, 8, 0, 10);
    PlacementEngine engine = c.engine();
    c.journal.failNext = true;
    assertThatThrownBy(() -> engine.placeNow(cpu("a", 2, 2, 1))).hasMessageContaining("journal write failed");
    assertThat(engine.reservations()).isEmpty();
    engine.placeNow(cpu("a", 2, 2, 1));
    c.journal.failNext = true;
    assertThatThrownBy(() -> engine.release("a")).hasMessageContaining("journal write failed");
    assertThat(engine.reservations()).hasSize(1);
    assertThat(c.journal.all()).hasSize(1);
  }

  @Test
  void reservationsSurviveARestartOfTheEngine() throws Exception {
    TestCluster c = new TestCluster().node("g", 16, 64, 2, 10);
    PlacementEngine first = c.engine();
    String device = first.submit(gpu("server:a"), WAIT).result().get().primary().gpuUuids().get(0);
    first.bind("server:a", Map.of("g", "ca"));
    PlacementEngine second = c.engine();
    assertThat(second.reservationsOf("server:a")).singleElement()
        .satisfies(r -> assertThat(r.state()).isEqualTo(ReservationState.BOUND));
    String other = second.submit(gpu("server:b"), WAIT).result().get().primary().gpuUuids().get(0);
    assertThat(other).isNotEqualTo(device);
    assertThat(second.submit(gpu("server:c"), WAIT).result()).isNotDone();
  }

  @Test
  void anOwnerHoldsOnePlacementAtATime() {
    TestCluster c = new TestCluster().node("n", 8, 8, 0, 10);
    PlacementEngine engine = c.engine();
    engine.placeNow(cpu("a", 1, 1, 1));
    assertThatThrownBy(() -> engine.submit(cpu("a", 1, 1, 1), WAIT)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("a already holds a placement");
  }

  @Test
  void overcommitRaisesCpuCapacityButNeverGpusOrSlots() {
    TestCluster c = new TestCluster().node("n", 2, 4, 0, 4);
    c.overcommit = new Overcommit(4, 2);
    PlacementEngine engine = c.engine();
    for (int i = 0; i < 4; i++) engine.placeNow(cpu("o" + i, 2, 2, 1));
    assertThatThrownBy(() -> engine.placeNow(cpu("o5", 1, 0, 1))).hasMessageContaining("limit is 4");
    checkInvariants(engine, c);
  }

  @Test
  void unknownPolicyNamesAreRejectedWithTheChoices() {
    assertThatThrownBy(() -> PlacementPolicy.fromWireName("fastest"))
        .hasMessage("unknown placement policy 'fastest'; use one of spread, pack, round_robin, least_connections, "
            + "weighted_round_robin, best_fit, random");
    assertThat(PlacementPolicy.fromWireName(null)).isEqualTo(PlacementPolicy.SPREAD);
  }
}
