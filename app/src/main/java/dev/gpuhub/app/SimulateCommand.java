package dev.gpuhub.app;

import dev.gpuhub.core.goodput.policy.Metric;
import dev.gpuhub.sim.pollux.DataDir;
import dev.gpuhub.sim.pollux.PolicyKind;
import dev.gpuhub.sim.pollux.SimConfig;
import dev.gpuhub.sim.pollux.SimulationResult;
import dev.gpuhub.sim.pollux.Simulator;
import dev.gpuhub.sim.pollux.TraceLibrary;
import dev.gpuhub.sim.pollux.Workload;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gpuhub simulate}: the Pollux artifact's training-job simulator (SPEC §5) on its measured
 * traces: one line per simulated hour, then {@code Average JCT: <seconds>} as the last line.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Simulates a training-job workload on a GPU cluster with the Pollux artifact's traces and prints "
        + "one line per simulated hour, then 'Average JCT: <seconds>' as the last line.")
final class SimulateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--policy", required = true, paramLabel = "pollux|tiresias|optimus",
      description = "Scheduling policy: pollux (adaptive, goodput), tiresias or optimus (the artifact's baselines).")
  String policy;

  @Option(names = "--metric", defaultValue = "default", paramLabel = "default|speed|cost",
      description = "Pollux jobs' metric option (default: ${DEFAULT-VALUE}); the baselines ignore it.")
  String metric;

  @Option(names = "--workload", required = true, paramLabel = "FILE",
      description = "Workload CSV: name,time,application,num_replicas,batch_size.")
  Path workload;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Pollux data folder with traces/ (default: ../shared/data/pollux next to the repository).")
  Path data;

  @Option(names = "--nodes", defaultValue = "16", description = "Nodes in the cluster (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--gpus-per-node", defaultValue = "4", description = "GPUs per node, 1-4 (default: ${DEFAULT-VALUE}).")
  int gpusPerNode;

  @Option(names = "--interval", defaultValue = "60", paramLabel = "SECONDS",
      description = "Seconds between scheduling rounds (default: ${DEFAULT-VALUE}).")
  int interval;

  @Override
  public Integer call() {
    PolicyKind kind = PolicyKind.fromWireName(policy);
    Metric m = Metric.fromWireName(metric);
    SimConfig config = SimConfig.of(kind, m).withCluster(nodes, gpusPerNode, interval);
    if (!Files.isRegularFile(workload)) throw new IllegalArgumentException("--workload " + workload + ": no such file");
    Path dataDir = DataDir.resolve(data);
    Workload w = Workload.load(workload);
    Simulator sim = new Simulator(w, new TraceLibrary(dataDir), config);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "Simulating %s: %d jobs, policy %s%s, %d nodes x %d GPUs, every %d s (data %s)%n",
        workload, w.jobs().size(), kind.wireName(), kind == PolicyKind.POLLUX ? " (metric " + m.wireName() + ")" : "",
        nodes, gpusPerNode, interval, dataDir);
    out.flush();
    SimulationResult r = sim.run(line -> {
      out.println(line);
      out.flush();
    });
    out.printf(Locale.ROOT, "Finished %d jobs at t=%.1fh; %d re-allocations; %.1f s wall%n", r.jcts().size(),
        r.simulatedSeconds() / 3600, r.restarts(), r.wallMillis() / 1000.0);
    out.printf(Locale.ROOT, "Average JCT: %.1f%n", r.averageJct());
    out.flush();
    return 0;
  }
}
