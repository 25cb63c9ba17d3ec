package dev.gpuhub.sim.pollux;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.goodput.policy.Metric;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input fails with a message naming the file and, where there is one, the line. */
class TraceDataErrorsTest {
  @TempDir
  Path data;

  @Test
  void workloadErrorsNameFileAndLine() {
    Path f = data.resolve("w.csv");
    ToyTraces.write(f, "name,time,application,num_replicas", "a,1,toy,1");
    assertThatThrownBy(() -> Workload.load(f)).isInstanceOf(TraceDataException.class)
        .hasMessageContaining(f + ":1:").hasMessageContaining("missing column 'batch_size'");
    ToyTraces.write(f, "name,time,application,num_replicas,batch_size", "a,1,toy,1,100", "b,soon,toy,1,100");
    assertThatThrownBy(() -> Workload.load(f)).hasMessageContaining(f + ":3:").hasMessageContaining("'soon'");
    ToyTraces.write(f, "name,time,application,num_replicas,batch_size", "a,1,toy,1,100", "a,2,toy,1,100");
    assertThatThrownBy(() -> Workload.load(f)).hasMessageContaining(f + ":3:").hasMessageContaining("already used on line 2");
    ToyTraces.write(f, "name,time,application,num_replicas,batch_size", "a,1,toy,0,100");
    assertThatThrownBy(() -> Workload.load(f)).hasMessageContaining(f + ":2:").hasMessageContaining("must be >= 1");
    ToyTraces.write(f, "name,time,application,num_replicas,batch_size", "a,1,toy,1");
    assertThatThrownBy(() -> Workload.load(f)).hasMessageContaining(f + ":2:").hasMessageContaining("expected 5 columns");
    ToyTraces.write(f, "name,time,application,num_replicas,batch_size");
    assertThatThrownBy(() -> Workload.load(f)).hasMessageContaining(f.toString()).hasMessageContaining("no jobs");
    assertThatThrownBy(() -> Workload.load(data.resolve("nope.csv"))).hasMessageContaining("nope.csv: no such file");
  }

  @Test
  void traceErrorsNameFileAndLine() {
    Path dir = ToyTraces.toy(data);
    ToyTraces.write(dir.resolve("placements.csv"), "placement,local_bsz,step_time,sync_time", "1111,10,1.0,0.5",
        "11x1,10,1.0,0.5");
    assertThatThrownBy(() -> Application.load(dir, 0, 0)).isInstanceOf(TraceDataException.class)
        .hasMessageContaining(dir.resolve("placements.csv") + ":3:").hasMessageContaining("'11x1'");
    ToyTraces.write(dir.resolve("placements.csv"), "placement,local_bsz,step_time,sync_time", "1111,10,-1.0,0.5");
    assertThatThrownBy(() -> Application.load(dir, 0, 0)).hasMessageContaining("placements.csv:2:")
        .hasMessageContaining("step_time");
    ToyTraces.toy(data);
    // The model needs 3 epochs but the traces have 2.
    assertThatThrownBy(() -> Application.load(dir, 3, 0)).hasMessageContaining("validation-100.csv")
        .hasMessageContaining("has 2 epochs, model toy needs 3");
    ToyTraces.write(dir.resolve("validation-400.csv"), "progress,iteration,metric,grad_sqr", "1,1,1,1");
    assertThatThrownBy(() -> Application.load(dir, 0, 0)).hasMessageContaining("validation-400.csv:1:")
        .hasMessageContaining("missing column 'grad_var'");
  }

  @Test
  void workloadNamingAModelWithoutTracesNamesTheLine() {
    ToyTraces.toy(data);
    Path f = data.resolve("w.csv");
    ToyTraces.write(f, "name,time,application,num_replicas,batch_size", "a,1,toy,1,100", "b,2,resnet,1,100");
    Workload w = Workload.load(f);
    assertThatThrownBy(() -> new Simulator(w, new TraceLibrary(data), SimConfig.of(PolicyKind.TIRESIAS, Metric.DEFAULT)))
        .isInstanceOf(TraceDataException.class)
        .hasMessageContaining(f + ":3:").hasMessageContaining("'resnet'").hasMessageContaining("have toy");
    assertThatThrownBy(() -> new TraceLibrary(data.resolve("empty"))).hasMessageContaining("not a Pollux data folder");
  }

  @Test
  void clusterOptionsAreChecked() {
    SimConfig c = SimConfig.of(PolicyKind.OPTIMUS, Metric.DEFAULT);
    assertThatThrownBy(() -> c.withCluster(0, 4, 60)).hasMessageContaining("--nodes");
    assertThatThrownBy(() -> c.withCluster(16, 8, 60)).hasMessageContaining("--gpus-per-node");
    assertThatThrownBy(() -> c.withCluster(16, 4, 0)).hasMessageContaining("--interval");
    assertThatThrownBy(() -> PolicyKind.fromWireName("fifo")).hasMessageContaining("pollux, tiresias, optimus");
  }
}
