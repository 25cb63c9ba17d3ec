package dev.gpuhub.sim.pollux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gpuhub.core.goodput.policy.Metric;
import dev.gpuhub.sim.interactive.InteractiveConfig;
import dev.gpuhub.sim.interactive.InteractiveLoad;
import dev.gpuhub.sim.interactive.Session;
import dev.gpuhub.sim.interactive.SessionPhase;
import dev.gpuhub.sim.interactive.SharingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mixed simulations: hand-computed toy runs (one-GPU jobs of the "unit" model: 30 s restart plus
 * 200 s of work once a round, every 60 s, places them) and invariants on the artifact's workload-6.
 */
class MixedSimulatorTest {
  @TempDir
  Path tmp;

  private Workload toyWorkload(String... rows) {
    ToyTraces.unit(tmp);
    Path f = tmp.resolve("w.csv");
    List<String> lines = new ArrayList<>(List.of("name,time,application,num_replicas,batch_size"));
    lines.addAll(List.of(rows));
    ToyTraces.write(f, lines.toArray(String[]::new));
    return Workload.load(f);
  }

  /** A session from alternating phase lengths, first active. */
  private static Session session(String id, double arrival, double... lengths) {
    List<SessionPhase> phases = new ArrayList<>();
    double at = 0;
    for (int i = 0; i < lengths.length; i++) {
      phases.add(new SessionPhase(i % 2 == 0, at, at + lengths[i]));
      at += lengths[i];
    }
    return new Session(id, arrival, phases, lengths.length % 2 == 0);
  }

  private MixedSimulator toy(SharingMode mode, PolicyKind policy, int nodes, int gpus, List<Session> sessions,
                             String... jobs) {
    SimConfig config = SimConfig.of(policy, Metric.DEFAULT).withCluster(nodes, gpus, 60);
    InteractiveConfig ic = InteractiveConfig.of(InteractiveLoad.LOW, mode, 1);
    return new MixedSimulator(toyWorkload(jobs), new TraceLibrary(tmp), config, ic, sessions);
  }

  @Test
  void aSessionOnTheOnlyFreeGpuDelaysTheJobUntilItEnds() {
    // The session takes the GPU at 10 (before the first round), ends at 110; the job starts at the
    // round at 120 and ends at 120 + 30 + 200 = 350.
    MixedResult r = toy(SharingMode.EXCLUSIVE, PolicyKind.TIRESIAS, 1, 1, List.of(session("s", 10, 100)),
        "a,0,unit,1,10").run();
    assertThat(r.jobs().jcts()).containsEntry("a", 350.0);
    assertThat(r.waits()).containsExactly(0.0);
    assertThat(r.span()).isEqualTo(360.0);
    assertThat(r.activeGpuSeconds()).isEqualTo(100.0);
    assertThat(r.jobGpuSeconds()).isEqualTo(200.0);
    assertThat(r.utilisationPercent()).isCloseTo(100 * 300.0 / 360, within(1e-9));
    assertThat(r.sessions()).isEqualTo(1);
    assertThat(r.cutOff()).isZero();
  }

  @Test
  void exclusiveSessionsWaitForTheJobsRoundAndAreCutOffAtTheEnd() {
    // The job holds the GPU from the round at 60 and finishes at 290; its GPU frees at the round at
    // 300, where the session gets it (waited 230 s) and the simulation ends.
    MixedResult r = toy(SharingMode.EXCLUSIVE, PolicyKind.TIRESIAS, 1, 1, List.of(session("s", 70, 100)),
        "a,0,unit,1,10").run();
    assertThat(r.jobs().jcts()).containsEntry("a", 290.0);
    assertThat(r.waits()).containsExactly(230.0);
    assertThat(r.cutOff()).isEqualTo(1);
    assertThat(r.activeGpuSeconds()).isZero();
  }

  @Test
  void interactiveFirstNeverTakesAJobAtItsMinimum() {
    for (PolicyKind policy : List.of(PolicyKind.TIRESIAS, PolicyKind.OPTIMUS)) {
      MixedResult r = toy(SharingMode.INTERACTIVE_FIRST, policy, 1, 1, List.of(session("s", 70, 100)),
          "a,0,unit,1,10").run();
      assertThat(r.preemptions()).isZero();
      assertThat(r.waits()).containsExactly(230.0);
      assertThat(r.jobs().jcts()).containsEntry("a", 290.0);
    }
  }

  @Test
  void interactiveFirstTakesAGpuFromAnElasticJobAtOnceAndTheJobPaysARestart() {
    ToyTraces.toy(tmp);
    // Optimus spreads the "toy" job over the node's 4 GPUs; at 100 the session takes one of them.
    MixedSimulator sim = toy(SharingMode.INTERACTIVE_FIRST, PolicyKind.OPTIMUS, 1, 4,
        List.of(session("s", 100, 600)), "a,0,toy,4,400");
    List<MixedSimulator.Preemption> taken = new ArrayList<>();
    sim.observePreemptions(taken::add);
    MixedResult r = sim.run();
    assertThat(taken).hasSize(1);
    MixedSimulator.Preemption p = taken.get(0);
    assertThat(p.time()).isEqualTo(100.0);
    assertThat(p.before()).hasSize(4);
    assertThat(p.after()).hasSize(3);
    assertThat(p.after().size()).isGreaterThanOrEqualTo(p.minReplicas());
    assertThat(r.waits()).containsExactly(0.0);
    assertThat(r.preemptions()).isEqualTo(1);
    assertThat(r.jobs().restarts()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void idleReclaimTakesTheGpuOnlyAfterTheIdleLimit() {
    // Two GPUs, a late job keeps the simulation going. "tail": active 600 s then idle 5000 s: its GPU
    // goes back at 600 + 3600 = 4200. "short": idle 2900 s between two active phases: kept.
    List<Session> sessions = List.of(session("tail", 0, 600, 5000), session("short", 0, 100, 2900, 100));
    MixedSimulator sim = toy(SharingMode.INTERACTIVE_FIRST, PolicyKind.TIRESIAS, 1, 2, sessions,
        "late,20000,unit,1,10");
    List<MixedSimulator.Reclaim> reclaims = new ArrayList<>();
    sim.observeReclaims(reclaims::add);
    MixedResult r = sim.run();
    assertThat(reclaims).containsExactly(new MixedSimulator.Reclaim(4200, "tail", 600));
    assertThat(r.reclaims()).isEqualTo(1);
    assertThat(r.idleGpuSeconds()).isEqualTo(3600.0 + 2900.0);
    assertThat(r.activeGpuSeconds()).isEqualTo(600.0 + 200.0);
    // Exclusive keeps the whole tail.
    MixedResult exclusive = toy(SharingMode.EXCLUSIVE, PolicyKind.TIRESIAS, 1, 2, sessions, "late,20000,unit,1,10").run();
    assertThat(exclusive.reclaims()).isZero();
    assertThat(exclusive.idleGpuSeconds()).isEqualTo(5000.0 + 2900.0);
  }

  @Test
  void aReclaimedSessionAsksAgainWhenActiveAndItsWaitCounts() {
    // Reclaimed at 100 + 3600 = 3700; job b arrives at 3750 and holds the GPU from the round at 3780
    // to 4010; the session asks again at 4000 and gets the GPU at the round at 4020: waited 20 s.
    MixedResult r = toy(SharingMode.INTERACTIVE_FIRST, PolicyKind.TIRESIAS, 1, 1,
        List.of(session("s", 0, 100, 3900, 100)), "b,3750,unit,1,10").run();
    assertThat(r.reclaims()).isEqualTo(1);
    assertThat(r.waits()).containsExactly(0.0, 20.0);
    assertThat(r.requests()).isEqualTo(2);
    assertThat(r.jobs().jcts()).containsEntry("b", 260.0);
    assertThat(r.cutOff()).isEqualTo(1);
  }

  @Test
  void partitionKeepsSessionsOnTheFirstHalfAndJobsOnTheSecond() {
    // Node 0 for sessions, node 1 for jobs: the second session waits for the first (990 s) although
    // node 1 is free until the job arrives.
    List<Session> sessions = List.of(session("s0", 10, 1000), session("s1", 20, 100));
    MixedSimulator sim = toy(SharingMode.PARTITION, PolicyKind.TIRESIAS, 2, 1, sessions, "a,1000,unit,1,10");
    List<MixedSimulator.RoundView> rounds = new ArrayList<>();
    sim.observeRounds(rounds::add);
    MixedResult r = sim.run();
    assertThat(r.waits()).containsExactly(0.0, 990.0);
    assertThat(r.jobs().jcts()).containsEntry("a", 250.0);
    for (MixedSimulator.RoundView v : rounds) {
      v.sessions().values().forEach(node -> assertThat(node).isZero());
      v.jobs().values().forEach(alloc -> assertThat(alloc).containsOnly(1));
    }
    // Exclusive: the second session takes node 1 at once.
    MixedResult exclusive = toy(SharingMode.EXCLUSIVE, PolicyKind.TIRESIAS, 2, 1, sessions, "a,1000,unit,1,10").run();
    assertThat(exclusive.waits()).containsExactly(0.0, 0.0);
    assertThatThrownBy(() -> toy(SharingMode.PARTITION, PolicyKind.TIRESIAS, 1, 1, sessions, "a,0,unit,1,10"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partition");
  }

  @Test
  void withoutSessionsTheResultIsExactlyThePlainSimulators() {
    Workload w = Workload.load(SimulatorTest.DATA.resolve("workloads").resolve("workload-6.csv")).first(12);
    TraceLibrary traces = new TraceLibrary(SimulatorTest.DATA);
    for (PolicyKind policy : PolicyKind.values()) {
      SimConfig config = SimConfig.of(policy, Metric.DEFAULT);
      SimulationResult plain = new Simulator(w, traces, config).run();
      for (SharingMode mode : List.of(SharingMode.EXCLUSIVE, SharingMode.INTERACTIVE_FIRST)) {
        MixedResult mixed = new MixedSimulator(w, traces, config, InteractiveConfig.of(InteractiveLoad.LOW, mode, 1),
            List.of()).run();
        assertThat(mixed.jobs().jcts()).as(policy + " " + mode).isEqualTo(plain.jcts());
        assertThat(mixed.jobs().restarts()).isEqualTo(plain.restarts());
        assertThat(mixed.waits()).isEmpty();
      }
    }
  }

  @Test
  void onWorkload6NoGpuIsHeldTwiceInAnyModeAndPartitionSidesHold() {
    Workload w = Workload.load(SimulatorTest.DATA.resolve("workloads").resolve("workload-6.csv")).first(25);
    TraceLibrary traces = new TraceLibrary(SimulatorTest.DATA);
    SimConfig config = SimConfig.of(PolicyKind.POLLUX, Metric.DEFAULT);
    for (SharingMode mode : SharingMode.values()) {
      MixedSimulator sim = new MixedSimulator(w, traces, config, InteractiveConfig.of(InteractiveLoad.HIGH, mode, 3));
      List<String> violations = new ArrayList<>();
      sim.observeRounds(v -> {
        int[] used = new int[config.nodes()];
        for (List<Integer> alloc : v.jobs().values()) {
          for (int n : alloc) {
            used[n]++;
            if (mode == SharingMode.PARTITION && n < 8) violations.add(v.time() + ": job on session node " + n);
          }
        }
        for (Map.Entry<String, Integer> s : v.sessions().entrySet()) {
          used[s.getValue()]++;
          if (mode == SharingMode.PARTITION && s.getValue() >= 8) violations.add(v.time() + ": " + s.getKey() + " on job node");
        }
        for (int n = 0; n < used.length; n++) if (used[n] > 4) violations.add(v.time() + ": node " + n + " holds " + used[n]);
      });
      sim.observePreemptions(p -> {
        if (p.after().size() < Math.max(1, p.minReplicas()) || p.after().size() != p.before().size() - 1) {
          violations.add(p.time() + ": " + p.job() + " shrunk from " + p.before() + " to " + p.after());
        }
      });
      sim.observeReclaims(c -> {
        if (c.time() - c.idleSince() < 3600 - 1e-6) violations.add(c.time() + ": " + c.session() + " reclaimed early");
      });
      MixedResult r = sim.run();
      assertThat(violations).as(mode.wireName()).isEmpty();
      assertThat(r.jobs().jcts()).hasSize(25);
      assertThat(r.sessions()).isPositive();
      assertThat(r.utilisationPercent()).isBetween(0.0, 100.0);
      if (mode != SharingMode.INTERACTIVE_FIRST) assertThat(r.reclaims() + r.preemptions()).isZero();
      // Pollux plans every node within what sessions leave on it: no GPU is left out of its plan
      assertThat(r.strandedGpuSeconds()).as(mode.wireName() + ": GPU-seconds outside Pollux's plan").isZero();
    }
  }
}
