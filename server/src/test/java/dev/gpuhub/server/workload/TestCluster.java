package dev.gpuhub.server.workload;

import dev.gpuhub.core.allocation.Overcommit;
import dev.gpuhub.core.allocation.PlacementEngine;
import dev.gpuhub.core.allocation.ReservationJournal;
import dev.gpuhub.core.node.GpuDevice;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.placement.NodeSelector;
import dev.gpuhub.core.placement.ScoringConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Nodes that report (each its own address, agent on 15003), a real placement engine over them, fake
 * agents and a launcher that probes every millisecond: the harness of the orchestration tests.
 */
public final class TestCluster {
  public static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private final Map<String, NodeReport> nodes = new LinkedHashMap<>();
  public final FakeAgents agents = new FakeAgents();
  public final PlacementEngine engine;
  public final WorkloadLauncher launcher;

  public TestCluster() {
    this(ReservationJournal.none());
  }

  /** A cluster whose engine writes its reservations to {@code journal} (e.g. one that fails for a while). */
  public TestCluster(ReservationJournal journal) {
    engine = new PlacementEngine(this::liveNodes, NodeSelector.seed(ScoringConfig.SEED, new Random(7)), ScoringConfig.SEED,
        Overcommit.NONE, journal, Clock.fixed(NOW, java.time.ZoneOffset.UTC), Duration.ofMinutes(5));
    launcher = new WorkloadLauncher(engine, agents, agents, Duration.ofMillis(1), Duration.ofMillis(1));
  }

  /** Adds a reporting node with {@code cores} cores, 64 GB and {@code gpus} GPUs. */
  public TestCluster node(String hostname, int cores, int gpus) {
    return node(hostname, cores, gpus, 10.0);
  }

  /** Adds a reporting node whose CPU is {@code cpuUsage} percent busy. */
  public TestCluster node(String hostname, int cores, int gpus, double cpuUsage) {
    return node(hostname, cores, gpus, cpuUsage, "Sim");
  }

  /** Adds a reporting node whose GPUs are all of {@code gpuModel} (16 GB each). */
  public TestCluster node(String hostname, int cores, int gpus, double cpuUsage, String gpuModel) {
    List<GpuDevice> devices = new ArrayList<>();
    for (int i = 0; i < gpus; i++) {
      devices.add(new GpuDevice(gpuModel, i, "GPU-" + hostname + "-" + i, 16384L, 0L, 0.0, 0.0, 30.0));
    }
    nodes.put(hostname, new NodeReport(hostname, "10.0.0." + (nodes.size() + 1), cores, 64, cpuUsage, 10.0, 10.0, gpus > 0,
        devices, 50, true, 0, 0, 0, NOW, 15003));
    return this;
  }

  /** The node stops reporting. */
  public void silence(String hostname) {
    nodes.remove(hostname);
  }

  public synchronized List<NodeReport> liveNodes() {
    return new ArrayList<>(nodes.values());
  }

  public AgentEndpoint endpoint(String hostname) {
    return AgentEndpoint.require(nodes.get(hostname));
  }

  /** Owners holding reservations now. */
  public List<String> owners() {
    return engine.reservations().stream().map(r -> r.owner()).distinct().sorted().toList();
  }
}
