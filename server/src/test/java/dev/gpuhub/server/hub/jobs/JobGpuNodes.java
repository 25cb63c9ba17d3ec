package dev.gpuhub.server.hub.jobs;

import dev.gpuhub.core.allocation.Overcommit;
import dev.gpuhub.core.allocation.PlacementEngine;
import dev.gpuhub.core.allocation.ReservationJournal;
import dev.gpuhub.core.node.GpuDevice;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.placement.NodeSelector;
import dev.gpuhub.core.placement.ScoringConfig;
import dev.gpuhub.server.workload.HttpAgentClient;
import dev.gpuhub.server.workload.WorkloadLauncher;
import dev.gpuhub.store.TrainingJobRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** GPU nodes made up by a test, a placement engine over them and a job launcher that only reserves (no agent is called). */
final class JobGpuNodes {
  final Instant now;
  private final Map<String, NodeReport> nodes = new LinkedHashMap<>();
  final PlacementEngine engine;
  final JobLauncher launcher;

  JobGpuNodes(Instant now) {
    this.now = now;
    this.engine = new PlacementEngine(() -> new ArrayList<>(nodes.values()),
        NodeSelector.seed(ScoringConfig.SEED, new Random(7)), ScoringConfig.SEED, Overcommit.NONE,
        ReservationJournal.none(), Clock.fixed(now, java.time.ZoneOffset.UTC), Duration.ofMinutes(5));
    this.launcher = new JobLauncher(JobsConfig.defaults(),
        WorkloadLauncher.of(engine, new HttpAgentClient("unused-token")), new dev.gpuhub.server.workload.PortClaims(),
        () -> new ArrayList<>(nodes.values()), () -> "http://127.0.0.1:18000", dev.gpuhub.server.workload.Homes.DEFAULT);
  }

  /** Adds a live node with {@code gpus} GPUs {@code GPU-<host>-<i>} and a node API. */
  void node(String host, int gpus) {
    List<GpuDevice> devices = new ArrayList<>();
    for (int i = 0; i < gpus; i++) devices.add(new GpuDevice("Sim", i, "GPU-" + host + "-" + i, 16384L, 0L, 0.0, 0.0, 30.0));
    nodes.put(host, new NodeReport(host, "127.0.0.1", 16, 64, 10.0, 10.0, 10.0, gpus > 0, devices, 10, true, 0, 0, 0,
        now, 15003));
  }

  /** A queued job of alice's, 1 to 4 GPUs, with the given id. */
  TrainingJobRecord job(long id) {
    return new TrainingJobRecord(id, "alice", "trainer:1", List.of("python3"), 1, 4, 64, "default", "job",
        dev.gpuhub.store.TrainingJobState.QUEUED, List.of(), 0, null, now, null, null, null, null, List.of(), 0, null);
  }
}
