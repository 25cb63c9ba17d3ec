package dev.gpuhub.core.allocation;

import dev.gpuhub.core.node.GpuDevice;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.placement.NodeSelector;
import dev.gpuhub.core.placement.ScoringConfig;
import dev.gpuhub.core.placement.Thresholds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/** Nodes with declared capacity, a settable clock and a journal kept in memory, around one engine. */
final class TestCluster {
  final Map<String, NodeReport> nodes = new ConcurrentHashMap<>();
  final MemoryJournal journal = new MemoryJournal();
  Instant now = Instant.parse("2026-11-22T10:00:00Z");
  final Clock clock = new Clock() {
    @Override public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }
    @Override public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
    @Override public Instant instant() {
      return now;
    }
  };
  Overcommit overcommit = Overcommit.NONE;
  Duration hold = Duration.ofSeconds(300);

  TestCluster node(String host, int cores, double ramGb, int gpus, int maxContainers) {
    return node(host, cores, ramGb, gpus, maxContainers, "Sim", 16384L);
  }

  /** A node whose {@code gpus} devices are all {@code model} with {@code memoryMb} each. */
  TestCluster node(String host, int cores, double ramGb, int gpus, int maxContainers, String model, long memoryMb) {
    List<GpuDevice> devices = new ArrayList<>();
    for (int i = 0; i < gpus; i++) devices.add(new GpuDevice(model, i, "GPU-" + host + "-" + i, memoryMb, 0L, 0.0, 0.0, 30.0));
    nodes.put(host, new NodeReport(host, "127.0.0.1", cores, ramGb, 10.0, 10.0, 10.0, gpus > 0, devices,
        maxContainers, true, 0, 0, 0, now, 15003));
    return this;
  }

  List<NodeReport> live() {
    return new ArrayList<>(nodes.values());
  }

  PlacementEngine engine() {
    return new PlacementEngine(this::live, NodeSelector.seed(ScoringConfig.SEED, new Random(7)), ScoringConfig.SEED,
        overcommit, journal, clock, hold);
  }

  static PlacementRequest cpu(String owner, double cores, double gb, int count) {
    return new PlacementRequest(owner, "single-cpu", cores, gb, 0, count, new Thresholds(100, 100, null),
        PlacementPolicy.SPREAD, List.of());
  }

  static PlacementRequest gpu(String owner) {
    return new PlacementRequest(owner, "single-gpu", 1, 1, 1, 1, new Thresholds(100, 100, null),
        PlacementPolicy.SPREAD, List.of());
  }

  /** {@code gpus} GPUs that {@code constraint} accepts on each of {@code count} nodes. */
  static PlacementRequest gpus(String owner, int gpus, dev.gpuhub.core.profile.GpuConstraint constraint, int count) {
    return new PlacementRequest(owner, "gpu-" + gpus, 1, 1, gpus, count, new Thresholds(100, 100, null),
        PlacementPolicy.SPREAD, List.of(), false, constraint);
  }

  /** Reservations per node, and fails on any overbooked resource or GPU held twice. */
  static Map<String, Integer> checkInvariants(PlacementEngine engine, TestCluster c) {
    Map<String, Integer> perNode = new HashMap<>();
    Map<String, String> gpuHolder = new HashMap<>();
    Map<String, Double> cpu = new HashMap<>();
    Map<String, Double> mem = new HashMap<>();
    for (Reservation r : engine.reservations()) {
      perNode.merge(r.hostname(), 1, Integer::sum);
      cpu.merge(r.hostname(), r.cpu(), Double::sum);
      mem.merge(r.hostname(), r.memoryGb(), Double::sum);
      for (String g : r.gpuUuids()) {
        String other = gpuHolder.put(g, r.owner());
        if (other != null) throw new AssertionError("GPU " + g + " held by " + other + " and " + r.owner());
      }
    }
    for (Map.Entry<String, Integer> e : perNode.entrySet()) {
      NodeReport n = c.nodes.get(e.getKey());
      if (n == null) continue;
      if (e.getValue() > n.maxContainers()) throw new AssertionError(e.getKey() + " has " + e.getValue() + " reservations > slots");
      if (cpu.get(e.getKey()) > n.cpuCores() * c.overcommit.cpu() + 1e-9) throw new AssertionError(e.getKey() + " cpu overbooked");
      if (mem.get(e.getKey()) > n.ramGb() * c.overcommit.memory() + 1e-9) throw new AssertionError(e.getKey() + " memory overbooked");
    }
    return perNode;
  }

  /** A journal in memory that can be told to fail its next write. */
  static final class MemoryJournal implements ReservationJournal {
    final Map<String, Reservation> rows = new LinkedHashMap<>();
    boolean failNext;

    private void maybeFail() {
      if (failNext) {
        failNext = false;
        throw new IllegalStateException("journal write failed");
      }
    }

    @Override public synchronized void added(List<Reservation> rs) {
      maybeFail();
      for (Reservation r : rs) {
        if (rows.containsKey(r.id())) throw new IllegalStateException("duplicate " + r.id());
      }
      rs.forEach(r -> rows.put(r.id(), r));
    }

    @Override public synchronized void updated(List<Reservation> rs) {
      maybeFail();
      rs.forEach(r -> rows.put(r.id(), r));
    }

    @Override public synchronized void removed(Collection<String> ids) {
      maybeFail();
      ids.forEach(rows::remove);
    }

    @Override public synchronized List<Reservation> all() {
      return new ArrayList<>(rows.values());
    }
  }
}
