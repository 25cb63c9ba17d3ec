package dev.gpuhub.sim.pollux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.core.goodput.policy.Metric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole simulations: hand-computed toy runs and a short run on the artifact's workload-6. */
class SimulatorTest {
  /** A fixed copy of the artifact's traces and workload-6 in this module's test resources (see its README). */
  static final Path DATA = Path.of("src", "test", "resources", "pollux").toAbsolutePath().normalize();

  @TempDir
  Path tmp;

  private SimulationResult run(PolicyKind policy, int nodes, int gpus, String... rows) {
    ToyTraces.unit(tmp);
    Path f = tmp.resolve("w.csv");
    List<String> lines = new ArrayList<>(List.of("name,time,application,num_replicas,batch_size"));
    lines.addAll(List.of(rows));
    ToyTraces.write(f, lines.toArray(String[]::new));
    SimConfig config = SimConfig.of(policy, Metric.DEFAULT).withCluster(nodes, gpus, 60);
    return new Simulator(Workload.load(f), new TraceLibrary(tmp), config).run(line -> {});
  }

  @Test
  void oneJobWaitsForTheFirstRoundPaysTheRestartAndRunsItsEpochs() {
    // Submitted at 0, first round at 60, 30 s restart, 200 progress at 1 per second: done at 290.
    for (PolicyKind p : List.of(PolicyKind.TIRESIAS, PolicyKind.OPTIMUS)) {
      SimulationResult r = run(p, 1, 1, "a,0,unit,1,10");
      assertThat(r.jcts()).containsEntry("a", 290.0);
      assertThat(r.averageJct()).isEqualTo(290.0);
    }
  }

  @Test
  void aQueuedJobStartsAtTheRoundAfterTheFirstFinishes() {
    // One GPU: a runs 60..290; b starts at the round at 300 and ends at 300 + 30 + 200 = 530.
    SimulationResult r = run(PolicyKind.TIRESIAS, 1, 1, "a,0,unit,1,10", "b,10,unit,1,10");
    assertThat(r.jcts()).containsEntry("a", 290.0).containsEntry("b", 520.0);
    assertThat(r.averageJct()).isEqualTo(405.0);
    assertThat(r.restarts()).isZero();
  }

  @Test
  void hourlyLinesAreOnePerSimulatedHour() {
    ToyTraces.unit(tmp);
    Path f = tmp.resolve("w.csv");
    ToyTraces.write(f, "name,time,application,num_replicas,batch_size", "a,7200,unit,1,10");
    List<String> lines = new ArrayList<>();
    new Simulator(Workload.load(f), new TraceLibrary(tmp), SimConfig.of(PolicyKind.TIRESIAS, Metric.DEFAULT))
        .run(lines::add);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("t=  1.0h").contains("finished=  0/1");
    assertThat(lines.get(1)).startsWith("t=  2.0h");
  }

  @Test
  void first20JobsOfWorkload6UnderTiresiasKeepTheInvariants() {
    Workload w = Workload.load(DATA.resolve("workloads").resolve("workload-6.csv")).first(20);
    TraceLibrary traces = new TraceLibrary(DATA);
    SimConfig config = SimConfig.of(PolicyKind.TIRESIAS, Metric.DEFAULT);
    Simulator sim = new Simulator(w, traces, config);
    List<String> violations = new ArrayList<>();
    sim.observeRounds(alloc -> {
      Map<Integer, Integer> perNode = new HashMap<>();
      for (Map.Entry<String, List<Integer>> e : alloc.entrySet()) {
        for (int node : e.getValue()) perNode.merge(node, 1, Integer::sum);
        WorkloadJob job = w.jobs().stream().filter(j -> j.name().equals(e.getKey())).findFirst().orElseThrow();
        if (e.getValue().size() != job.numReplicas()) violations.add(e.getKey() + " got " + e.getValue().size() + " GPUs");
      }
      perNode.forEach((node, n) -> {
        if (n > 4) violations.add("node " + node + " has " + n + " replicas");
      });
    });
    SimulationResult r = sim.run(line -> {});
    assertThat(violations).isEmpty();
    assertThat(r.jcts()).hasSize(20);
    for (WorkloadJob job : w.jobs()) {
      double best = bestCaseRuntime(traces.application(job.application()), job, config);
      assertThat(r.jcts().get(job.name())).as(job.name()).isGreaterThanOrEqualTo(best);
    }
  }

  @Test
  void first20JobsOfWorkload6UnderPolluxKeepTheInvariantsAndRepeatExactly() {
    Workload w = Workload.load(DATA.resolve("workloads").resolve("workload-6.csv")).first(20);
    TraceLibrary traces = new TraceLibrary(DATA);
    SimConfig config = SimConfig.of(PolicyKind.POLLUX, Metric.DEFAULT);
    Simulator sim = new Simulator(w, traces, config);
    List<String> violations = new ArrayList<>();
    sim.observeRounds(alloc -> {
      Map<Integer, Integer> perNode = new HashMap<>();
      for (Map.Entry<String, List<Integer>> e : alloc.entrySet()) {
        for (int node : e.getValue()) perNode.merge(node, 1, Integer::sum);
        if (e.getKey().startsWith("ncf") && e.getValue().size() > 1) violations.add(e.getKey() + " on several GPUs");
      }
      perNode.forEach((node, n) -> {
        if (n > 4) violations.add("node " + node + " has " + n + " replicas");
      });
      for (SimJob job : sim.jobs()) {
        if (job.gpus() == 0) continue;
        long batch = job.batchSize();
        if (batch > job.app.maxBatchSize() || job.atomicBsz < 1 || job.atomicBsz > job.app.maxLocalBsz()) {
          violations.add(job.name() + " runs batch " + batch + " (atomic " + job.atomicBsz + ")");
        }
      }
    });
    SimulationResult r = sim.run(line -> {});
    assertThat(violations).isEmpty();
    assertThat(r.jcts()).hasSize(20);
    for (WorkloadJob job : w.jobs()) {
      // At least: wait for the next round, then one restart.
      assertThat(r.jcts().get(job.name())).as(job.name()).isGreaterThan(config.restartPenalty());
    }
    SimulationResult again = new Simulator(w, traces, config).run(line -> {});
    assertThat(again.jcts()).isEqualTo(r.jcts());
  }

  /**
   * Fastest possible JCT for a fixed-size job: wait for the first round, pay one restart, then run
   * every epoch on its GPUs packed onto as few nodes as possible (the best placement in these
   * traces) with nothing else in the way.
   */
  static double bestCaseRuntime(Application app, WorkloadJob job, SimConfig config) {
    double firstRound = Math.ceil((job.time() + 1e-9) / config.interval()) * config.interval();
    SimJob solo = new SimJob(job, app, job.numReplicas(), job.batchSize(), null, 0);
    int nodes = (job.numReplicas() + 3) / 4;
    List<Integer> packed = new ArrayList<>();
    for (int i = 0; i < job.numReplicas(); i++) packed.add(i / 4);
    solo.reallocate(packed);
    double seconds = 0;
    while (!solo.done()) {
      solo.step(3600);
      seconds += 3600;
    }
    assertThat(nodes).isPositive();
    return firstRound - job.time() + config.restartPenalty() + solo.completionTime - 1.0 * app.maxEpochs();
  }
}
