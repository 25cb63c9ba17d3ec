package dev.gpuhub.core.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpuhub.core.allocation.Reservation;
import dev.gpuhub.core.allocation.ReservationState;
import dev.gpuhub.core.node.GpuDevice;
import dev.gpuhub.core.node.GpuProcess;
import dev.gpuhub.core.node.NodeReport;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GpuActivityTrackerTest {
  private static final Instant T0 = Instant.parse("2026-12-05T08:00:00Z");
  private static final String ALICE_CONTAINER = "a".repeat(64);
  private static final String BOB_CONTAINER = "b".repeat(64);

  private final GpuActivityTracker tracker = new GpuActivityTracker(5);

  @Test
  void aGpuUsedByTheHoldersOwnContainerIsBusy() {
    look(0, gpu("GPU-0", 80.0, List.of(new GpuProcess(4242, 900L, ALICE_CONTAINER))));
    HolderActivity a = tracker.of("server:alice").orElseThrow();
    assertTrue(a.busy());
    assertNull(a.idleSince());
    assertEquals(80.0, a.utilisation());
    assertEquals(List.of("GPU-0"), a.gpuUuids());
  }

  @Test
  void shortIdsFromDockerMatchTheFullContainerId() {
    look(0, gpu("GPU-0", 80.0, List.of(new GpuProcess(4242, 900L, ALICE_CONTAINER.substring(0, 12)))));
    assertTrue(tracker.of("server:alice").orElseThrow().busy());
  }

  @Test
  void anotherContainersOrAHostProcessOnTheGpuDoesNotMakeTheHolderBusy() {
    look(0, gpu("GPU-0", 90.0, List.of(new GpuProcess(1, 100L, BOB_CONTAINER), new GpuProcess(2, 100L, null))));
    HolderActivity a = tracker.of("server:alice").orElseThrow();
    assertFalse(a.busy());
    assertEquals(T0, a.idleSince());
  }

  @Test
  void itsOwnProcessBelowTheThresholdIsIdle() {
    look(0, gpu("GPU-0", 2.0, List.of(new GpuProcess(4242, 900L, ALICE_CONTAINER))));
    assertFalse(tracker.of("server:alice").orElseThrow().busy());
  }

  @Test
  void withoutAProcessListTheUtilisationDecidesAndWithoutEitherItCountsAsBusy() {
    look(0, gpu("GPU-0", 50.0, null));
    assertTrue(tracker.of("server:alice").orElseThrow().busy());
    look(10, gpu("GPU-0", 0.0, null));
    assertFalse(tracker.of("server:alice").orElseThrow().busy());
    look(20, gpu("GPU-0", null, null));
    assertTrue(tracker.of("server:alice").orElseThrow().busy(), "no evidence is never called idle");
  }

  @Test
  void idleSinceIsTheFirstIdleLookAndABusyLookResetsIt() {
    look(0, gpu("GPU-0", 0.0, List.of()));
    look(30, gpu("GPU-0", 0.0, List.of()));
    assertEquals(T0, tracker.of("server:alice").orElseThrow().idleSince());
    look(60, gpu("GPU-0", 70.0, List.of(new GpuProcess(7, 10L, ALICE_CONTAINER))));
    look(90, gpu("GPU-0", 0.0, List.of()));
    assertEquals(T0.plusSeconds(90), tracker.of("server:alice").orElseThrow().idleSince());
  }

  @Test
  void aSilentNodeLeavesTheHolderAsItWas() {
    look(0, gpu("GPU-0", 70.0, List.of(new GpuProcess(7, 10L, ALICE_CONTAINER))));
    tracker.observe(T0.plusSeconds(30), List.of(), List.of(reservation("GPU-0")));
    assertTrue(tracker.of("server:alice").orElseThrow().busy());
  }

  @Test
  void heldAndIdleGpuSecondsAccrueBetweenLooksWithLongGapsCapped() {
    look(0, gpu("GPU-0", 70.0, List.of(new GpuProcess(7, 10L, ALICE_CONTAINER))));
    look(10, gpu("GPU-0", 0.0, List.of()));   // 10 s busy
    look(30, gpu("GPU-0", 0.0, List.of()));   // 20 s idle
    look(3630, gpu("GPU-0", 0.0, List.of())); // an hour's gap counts as 60 s, idle
    HolderActivity a = tracker.of("server:alice").orElseThrow();
    assertEquals(90, a.gpuSeconds(), 1e-9);
    assertEquals(80, a.idleGpuSeconds(), 1e-9);
  }

  @Test
  void theLastHourKeepsOneMeanPerMinute() {
    look(0, gpu("GPU-0", 10.0, null));
    look(30, gpu("GPU-0", 30.0, null));
    look(60, gpu("GPU-0", 50.0, null));
    assertEquals(List.of(20.0, 50.0), tracker.of("server:alice").orElseThrow().lastHour());
    look(61 * 60, gpu("GPU-0", 0.0, null));
    assertEquals(List.of(0.0), tracker.of("server:alice").orElseThrow().lastHour(), "older minutes drop out");
  }

  @Test
  void aHolderThatReleasedItsGpusIsForgottenButItsTotalsStay() {
    look(0, gpu("GPU-0", 0.0, List.of()));
    look(20, gpu("GPU-0", 0.0, List.of()));
    tracker.observe(T0.plusSeconds(30), List.of(node(gpu("GPU-0", 0.0, List.of()))), List.of());
    assertTrue(tracker.of("server:alice").isEmpty());
    assertTrue(tracker.all().isEmpty());
    assertEquals(new GpuActivityTracker.Totals(20, 20), tracker.totals().get("server:alice"));
  }

  @Test
  void aThresholdOutsidePercentIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new GpuActivityTracker(101));
    assertThrows(IllegalArgumentException.class, () -> new GpuActivityTracker(Double.NaN));
  }

  private void look(int seconds, GpuDevice gpu) {
    tracker.observe(T0.plusSeconds(seconds), List.of(node(gpu)), List.of(reservation(gpu.uuid())));
  }

  private static GpuDevice gpu(String uuid, Double util, List<GpuProcess> processes) {
    return new GpuDevice("Test GPU", 0, uuid, 16384L, 0L, 0.0, util, 40.0, processes);
  }

  private static NodeReport node(GpuDevice gpu) {
    return new NodeReport("gpu-1", "10.0.0.1", 8, 32, 10.0, 10.0, 10.0, true, List.of(gpu), 10, true, 1, 1, 0, T0);
  }

  private static Reservation reservation(String gpu) {
    return new Reservation("r1", "server:alice", "Single GPU", "gpu-1", 1, 2, List.of(gpu), ReservationState.BOUND, T0,
        null, T0, ALICE_CONTAINER);
  }
}
