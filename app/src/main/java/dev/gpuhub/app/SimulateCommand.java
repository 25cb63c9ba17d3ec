package dev.gpuhub.app;

import dev.gpuhub.core.goodput.policy.Metric;
import dev.gpuhub.sim.interactive.InteractiveConfig;
import dev.gpuhub.sim.interactive.InteractiveLoad;
import dev.gpuhub.sim.interactive.SharingMode;
import dev.gpuhub.sim.pollux.DataDir;
import dev.gpuhub.sim.pollux.MixedResult;
import dev.gpuhub.sim.pollux.MixedSimulator;
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
 * traces: one line per simulated hour, then {@code Average JCT: <seconds>} as the last line. With
 * {@code --interactive LOAD --sharing MODE} (both or neither), synthetic notebook sessions share the
 * cluster with the jobs ({@link MixedSimulator}) and the interactive metrics follow the JCT.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Simulates a training-job workload on a GPU cluster with the Pollux artifact's traces and prints "
        + "one line per simulated hour, then 'Average JCT: <seconds>' as the last line. With --interactive and "
        + "--sharing, notebook sessions share the cluster and 'Interactive wait p50/p95/max: <seconds>', "
        + "'GPU utilisation: <percent>' and 'Idle-held GPU-hours: <hours>' follow the JCT.")
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

  @Option(names = "--interactive", paramLabel = "low|mid|high",
      description = "Adds synthetic interactive notebook sessions holding on average 8, 16 or 24 GPUs "
          + "(needs --sharing).")
  String interactive;

  @Option(names = "--sharing", paramLabel = "exclusive|partition|interactive-first",
      description = "How sessions and jobs share the GPUs (needs --interactive): exclusive (one pool, sessions "
          + "keep their GPU to the end), partition (first half of the nodes for sessions), interactive-first "
          + "(sessions take GPUs from elastic jobs; idle GPUs are reclaimed).")
  String sharing;

  @Option(names = "--idle-limit", paramLabel = "MINUTES",
      description = "interactive-first: a session's GPU idle this long goes back (default: 60).")
  Double idleLimitMinutes;

  @Option(names = "--seed", paramLabel = "N",
      description = "Seed of the session draw; same seed, same sessions (default: 1; needs --interactive).")
  Long seed;

  @Override
  public Integer call() {
    if ((interactive == null) != (sharing == null)) {
      throw new IllegalArgumentException(interactive == null
          ? "--sharing needs --interactive low|mid|high" : "--interactive needs --sharing exclusive|partition|interactive-first");
    }
    if (interactive == null && (idleLimitMinutes != null || seed != null)) {
      throw new IllegalArgumentException((idleLimitMinutes != null ? "--idle-limit" : "--seed")
          + " needs --interactive and --sharing");
    }
    InteractiveConfig mixed = null;
    if (interactive != null) {
      SharingMode mode = SharingMode.fromWireName(sharing);
      if (idleLimitMinutes != null && mode != SharingMode.INTERACTIVE_FIRST) {
        throw new IllegalArgumentException("--idle-limit applies to --sharing interactive-first only");
      }
      if (idleLimitMinutes != null && !(idleLimitMinutes > 0)) {
        throw new IllegalArgumentException("--idle-limit must be > 0 minutes, was " + idleLimitMinutes);
      }
      mixed = InteractiveConfig.of(InteractiveLoad.fromWireName(interactive), mode, seed == null ? 1 : seed);
      if (idleLimitMinutes != null) mixed = mixed.withIdleLimitSeconds(idleLimitMinutes * 60);
    }
    PolicyKind kind = PolicyKind.fromWireName(policy);
    Metric m = Metric.fromWireName(metric);
    SimConfig config = SimConfig.of(kind, m).withCluster(nodes, gpusPerNode, interval);
    if (!Files.isRegularFile(workload)) throw new IllegalArgumentException("--workload " + workload + ": no such file");
    Path dataDir = DataDir.resolve(data);
    Workload w = Workload.load(workload);
    PrintWriter out = spec.commandLine().getOut();
    if (mixed != null) return runMixed(w, dataDir, config, kind, m, mixed, out);
    Simulator sim = new Simulator(w, new TraceLibrary(dataDir), config);
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

  private int runMixed(Workload w, Path dataDir, SimConfig config, PolicyKind kind, Metric m, InteractiveConfig mixed,
                       PrintWriter out) {
    MixedSimulator sim = new MixedSimulator(w, new TraceLibrary(dataDir), config, mixed);
    out.printf(Locale.ROOT, "Simulating %s: %d jobs, policy %s%s, %d nodes x %d GPUs, every %d s (data %s); "
            + "interactive %s, sharing %s%s, seed %d%n",
        workload, w.jobs().size(), kind.wireName(), kind == PolicyKind.POLLUX ? " (metric " + m.wireName() + ")" : "",
        nodes, gpusPerNode, interval, dataDir, mixed.load().wireName(), mixed.mode().wireName(),
        mixed.mode() == SharingMode.INTERACTIVE_FIRST
            ? String.format(Locale.ROOT, " (idle limit %.0f min)", mixed.idleLimitSeconds() / 60) : "",
        mixed.seed());
    out.flush();
    MixedResult r = sim.run(line -> {
      out.println(line);
      out.flush();
    });
    out.printf(Locale.ROOT, "Finished %d jobs at t=%.1fh; %d re-allocations; %.1f s wall%n", r.jobs().jcts().size(),
        r.span() / 3600, r.jobs().restarts(), r.jobs().wallMillis() / 1000.0);
    out.printf(Locale.ROOT, "Sessions: %d (%d cut off at the end); GPU requests: %d; idle GPUs reclaimed: %d; "
        + "GPUs taken from jobs: %d%n", r.sessions(), r.cutOff(), r.requests(), r.reclaims(), r.preemptions());
    out.printf(Locale.ROOT, "Average JCT: %.1f%n", r.averageJct());
    out.printf(Locale.ROOT, "Interactive wait p50: %.1f%n", r.waitPercentile(50));
    out.printf(Locale.ROOT, "Interactive wait p95: %.1f%n", r.waitPercentile(95));
    out.printf(Locale.ROOT, "Interactive wait max: %.1f%n", r.maxWait());
    out.printf(Locale.ROOT, "GPU utilisation: %.1f%n", r.utilisationPercent());
    out.printf(Locale.ROOT, "Stranded GPU-hours: %.2f%n", r.strandedGpuHours());
    out.printf(Locale.ROOT, "Idle-held GPU-hours: %.2f%n", r.idleHeldGpuHours());
    out.flush();
    return 0;
  }
}
