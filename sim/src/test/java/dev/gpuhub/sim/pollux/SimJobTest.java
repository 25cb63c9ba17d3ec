package dev.gpuhub.sim.pollux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fixed-batch job's batch split and its second-accurate progress. */
class SimJobTest {
  @TempDir
  Path data;

  private SimJob job(Application app, int replicas, int batch) {
    return new SimJob(new WorkloadJob("j", 0, app.name(), replicas, batch, 2), app, replicas, batch, null, 30);
  }

  @Test
  void fixedBatchSplitsIntoAtomicBatchAndAccumulationAsTheArtifact() {
    Application toy = Application.load(ToyTraces.toy(data), 0, 0); // batch 100..400, local 10..20
    SimJob a = job(toy, 1, 100);
    a.reallocate(List.of(0));
    assertThat(new int[] {a.atomicBsz, a.accumSteps}).containsExactly(20, 4); // 100 = 20 x 5 passes
    SimJob b = job(toy, 4, 150);
    b.reallocate(List.of(0, 0, 1, 1));
    assertThat(new int[] {b.atomicBsz, b.accumSteps}).containsExactly(19, 1); // ceil(150 / 4) = 38 = 19 x 2
    assertThat(b.placement).containsExactly(2, 2);
    assertThat(b.batchSize()).isEqualTo(152);
    SimJob c = job(toy, 1, 400);
    c.reallocate(List.of(3));
    assertThat(new int[] {c.atomicBsz, c.accumSteps}).containsExactly(20, 19);
  }

  @Test
  void restartCostsThirtySecondsThenProgressIsGainOverStepTime() {
    Application unit = Application.load(ToyTraces.unit(data), 0, 0); // 1 progress per second on one GPU
    SimJob j = job(unit, 1, 10);
    j.reallocate(List.of(0));
    assertThat(j.restarts).isZero();
    j.step(60);
    assertThat(j.progress).isEqualTo(30.0);
    assertThat(j.epoch).isZero();
    assertThat(j.attainedService).isEqualTo(60.0);
    j.step(100); // crosses the epoch boundary at progress 100 after 70 s
    assertThat(j.epoch).isEqualTo(1);
    assertThat(j.progress).isEqualTo(130.0);
    j.step(120);
    assertThat(j.completionTime).isEqualTo(230.0);
    assertThat(j.currentTime).isEqualTo(280.0);
    // Pausing keeps progress; the next allocation counts as a restart.
    SimJob k = job(unit, 1, 10);
    k.reallocate(List.of(0));
    k.step(50);
    k.reallocate(List.of());
    k.step(60);
    assertThat(k.progress).isEqualTo(20.0);
    k.reallocate(List.of(0));
    assertThat(k.restarts).isEqualTo(1);
  }

  @Test
  void placementCountsRunsOfTheSameNode() {
    assertThat(SimJob.placementOf(List.of(0, 0, 1, 1, 1, 5))).containsExactly(2, 3, 1);
    assertThat(SimJob.placementOf(List.of(2))).containsExactly(1);
  }
}
