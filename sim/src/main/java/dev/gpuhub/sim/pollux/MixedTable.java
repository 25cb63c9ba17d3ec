package dev.gpuhub.sim.pollux;

import dev.gpuhub.core.goodput.policy.Metric;
import dev.gpuhub.sim.interactive.InteractiveConfig;
import dev.gpuhub.sim.interactive.InteractiveLoad;
import dev.gpuhub.sim.interactive.Percentiles;
import dev.gpuhub.sim.interactive.SharingMode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * scripts/simulate-mixed.sh: for each workload (1.0x load) the jobs-only Pollux run, then each
 * interactive load × sharing mode with Pollux scheduling the jobs; prints Markdown tables (per run,
 * then per load averaged over the workloads) and whether issue 17's targets are met: under
 * interactive-first, interactive wait p95 &lt;= 2 min (pooled over the workloads' requests), average
 * JCT within 15 % of jobs-only, and at least 30 % fewer idle-held GPU-hours than exclusive.
 *
 * <p>Arguments: {@code [--data DIR] [--threads N] [--loads low,mid,high] [--workloads 1-8]
 * [--modes exclusive,partition,interactive-first] [--idle-limit MINUTES]}. Workload {@code w}'s
 * sessions use seed {@code w}, so the averages cover 8 session draws; runs are deterministic.
 */
public final class MixedTable {
  /** Target: interactive-first's pooled p95 wait at most this (seconds). */
  static final double TARGET_P95_SECONDS = 120;
  /** Target: interactive-first's mean JCT at most this times jobs-only's. */
  static final double TARGET_JCT_RATIO = 1.15;
  /** Target: interactive-first's idle-held GPU-hours at least this much below exclusive's (fraction). */
  static final double TARGET_IDLE_CUT = 0.30;

  private record Run(InteractiveLoad load, SharingMode mode, int workload) {}

  private record Row(Run run, MixedResult result) {}

  public static void main(String[] args) throws Exception {
    Path data = null;
    int threads = 2;
    List<InteractiveLoad> loads = List.of(InteractiveLoad.values());
    List<SharingMode> modes = List.of(SharingMode.values());
    int from = 1;
    int to = 8;
    double idleLimit = InteractiveConfig.DEFAULT_IDLE_LIMIT_SECONDS;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--data" -> { data = Path.of(need(a, v)); i++; }
        case "--threads" -> { threads = Integer.parseInt(need(a, v)); i++; }
        case "--loads" -> { loads = parse(need(a, v), InteractiveLoad::fromWireName); i++; }
        case "--modes" -> { modes = parse(need(a, v), SharingMode::fromWireName); i++; }
        case "--workloads" -> {
          String[] r = need(a, v).split("-");
          from = Integer.parseInt(r[0]);
          to = Integer.parseInt(r[r.length - 1]);
          i++;
        }
        case "--idle-limit" -> { idleLimit = Double.parseDouble(need(a, v)) * 60; i++; }
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    if (data == null) data = DataDir.resolve(null);
    TraceLibrary traces = new TraceLibrary(data);
    SimConfig config = SimConfig.of(PolicyKind.POLLUX, Metric.DEFAULT);
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    Map<Integer, Future<SimulationResult>> baselines = new LinkedHashMap<>();
    Map<Run, Future<MixedResult>> mixed = new LinkedHashMap<>();
    final Path dataDir = data;
    final double limit = idleLimit;
    for (int w = from; w <= to; w++) {
      int workload = w;
      baselines.put(w, pool.submit(timed("jobs-only workload-" + w, () -> {
        SimulationResult r = new Simulator(Workload.load(workloadFile(dataDir, workload)), traces, config).run();
        return new Object[] {r, String.format(Locale.ROOT, "JCT %.0f s", r.averageJct())};
      })));
      for (InteractiveLoad load : loads) {
        for (SharingMode mode : modes) {
          Run run = new Run(load, mode, w);
          InteractiveConfig ic = InteractiveConfig.of(load, mode, w).withIdleLimitSeconds(limit);
          mixed.put(run, pool.submit(timed(load.wireName() + " " + mode.wireName() + " workload-" + w, () -> {
            MixedResult r = new MixedSimulator(Workload.load(workloadFile(dataDir, workload)), traces, config, ic).run();
            return new Object[] {r, String.format(Locale.ROOT, "JCT %.0f s, wait p95 %.0f s, idle %.1f GPU-h",
                r.averageJct(), r.waitPercentile(95), r.idleHeldGpuHours())};
          })));
        }
      }
    }
    Map<Integer, SimulationResult> base = new LinkedHashMap<>();
    for (Map.Entry<Integer, Future<SimulationResult>> e : baselines.entrySet()) base.put(e.getKey(), e.getValue().get());
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<Run, Future<MixedResult>> e : mixed.entrySet()) rows.add(new Row(e.getKey(), e.getValue().get()));
    pool.shutdown();
    print(System.out, base, rows, loads, modes);
  }

  /** Wraps a run so it reports its wall time on stderr; the callable returns {result, summary}. */
  @SuppressWarnings("unchecked")
  private static <T> Callable<T> timed(String label, Callable<Object[]> body) {
    return () -> {
      long start = System.nanoTime();
      Object[] r = body.call();
      System.err.printf(Locale.ROOT, "%s: %s (%.1f s wall)%n", label, r[1], (System.nanoTime() - start) / 1e9);
      return (T) r[0];
    };
  }

  private static void print(PrintStream out, Map<Integer, SimulationResult> base, List<Row> rows,
                            List<InteractiveLoad> loads, List<SharingMode> modes) {
    out.println("| load | workload | sharing | avg JCT (s) | JCT / jobs-only | wait p50 (s) | wait p95 (s) "
        + "| wait max (s) | GPU util (%) | idle-held GPU-h | stranded GPU-h | sessions | requests | reclaimed "
        + "| taken from jobs |");
    out.println("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Map.Entry<Integer, SimulationResult> e : base.entrySet()) {
      out.printf(Locale.ROOT, "| - | workload-%d | jobs-only | %.0f | 1.000 | - | - | - | - | - | - | - | - | - | - |%n",
          e.getKey(), e.getValue().averageJct());
    }
    for (Row row : rows) {
      MixedResult r = row.result();
      out.printf(Locale.ROOT, "| %s | workload-%d | %s | %.0f | %.3f | %.0f | %.0f | %.0f | %.1f | %.1f | %.1f | %d | %d | %d | %d |%n",
          row.run().load().wireName(), row.run().workload(), row.run().mode().wireName(), r.averageJct(),
          r.averageJct() / base.get(row.run().workload()).averageJct(), r.waitPercentile(50), r.waitPercentile(95),
          r.maxWait(), r.utilisationPercent(), r.idleHeldGpuHours(), r.strandedGpuHours(), r.sessions(), r.requests(), r.reclaims(),
          r.preemptions());
    }
    double baseJct = base.values().stream().mapToDouble(SimulationResult::averageJct).average().orElse(Double.NaN);
    out.println();
    out.printf(Locale.ROOT, "Means over %d workloads (jobs-only Pollux: average JCT %.0f s). Waits pooled over all "
        + "requests of the workloads; worst p95 = the worst single workload's.%n%n", base.size(), baseJct);
    out.println("| load | sharing | avg JCT (s) | JCT / jobs-only | wait p50 (s) | wait p95 (s) | worst p95 (s) "
        + "| wait max (s) | GPU util (%) | idle-held GPU-h | stranded GPU-h | sessions | reclaimed | taken from jobs |");
    out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    Map<String, Summary> summaries = new LinkedHashMap<>();
    for (InteractiveLoad load : loads) {
      for (SharingMode mode : modes) {
        List<MixedResult> g = rows.stream().filter(r -> r.run().load() == load && r.run().mode() == mode)
            .map(Row::result).toList();
        Summary s = Summary.of(g);
        summaries.put(load.wireName() + "|" + mode.wireName(), s);
        out.printf(Locale.ROOT, "| %s | %s | %.0f | %.3f | %.0f | %.0f | %.0f | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n",
            load.wireName(), mode.wireName(), s.jct, s.jct / baseJct, s.p50, s.p95, s.worstP95, s.max, s.util,
            s.idle, s.stranded, s.sessions, s.reclaims, s.preemptions);
      }
    }
    out.println();
    out.println("Targets (interactive-first; the wait target is stated for the mid load, the others checked at each load):");
    out.println();
    for (InteractiveLoad load : loads) {
      Summary first = summaries.get(load.wireName() + "|" + SharingMode.INTERACTIVE_FIRST.wireName());
      if (first == null) continue;
      out.printf(Locale.ROOT, "- %s: wait p95 %.0f s (target <= %.0f s%s): %s; JCT %.3f x jobs-only (target <= %.2f): %s",
          load.wireName(), first.p95, TARGET_P95_SECONDS, load == InteractiveLoad.MID ? "" : ", stated for mid",
          met(first.p95 <= TARGET_P95_SECONDS), first.jct / baseJct, TARGET_JCT_RATIO,
          met(first.jct / baseJct <= TARGET_JCT_RATIO));
      Summary exclusive = summaries.get(load.wireName() + "|" + SharingMode.EXCLUSIVE.wireName());
      if (exclusive != null && exclusive.idle > 0) {
        double cut = 1 - first.idle / exclusive.idle;
        out.printf(Locale.ROOT, "; idle-held GPU-hours %.1f vs exclusive %.1f, %.0f %% fewer (target >= %.0f %%): %s",
            first.idle, exclusive.idle, 100 * cut, 100 * TARGET_IDLE_CUT, met(cut >= TARGET_IDLE_CUT));
      }
      out.println();
    }
  }

  private static String met(boolean ok) {
    return ok ? "met" : "MISSED";
  }

  /** Means over one (load, mode)'s workloads; waits pooled. */
  private record Summary(double jct, double p50, double p95, double worstP95, double max, double util, double idle,
                         double stranded, double sessions, double reclaims, double preemptions) {
    static Summary of(List<MixedResult> g) {
      List<Double> waits = new ArrayList<>();
      for (MixedResult r : g) waits.addAll(r.waits());
      return new Summary(
          g.stream().mapToDouble(MixedResult::averageJct).average().orElse(Double.NaN),
          Percentiles.of(waits, 50), Percentiles.of(waits, 95),
          g.stream().mapToDouble(r -> r.waitPercentile(95)).max().orElse(0),
          Percentiles.of(waits, 100),
          g.stream().mapToDouble(MixedResult::utilisationPercent).average().orElse(Double.NaN),
          g.stream().mapToDouble(MixedResult::idleHeldGpuHours).average().orElse(Double.NaN),
          g.stream().mapToDouble(MixedResult::strandedGpuHours).average().orElse(Double.NaN),
          g.stream().mapToInt(MixedResult::sessions).average().orElse(0),
          g.stream().mapToInt(MixedResult::reclaims).average().orElse(0),
          g.stream().mapToInt(MixedResult::preemptions).average().orElse(0));
    }
  }

  private static <T> List<T> parse(String csv, Function<String, T> f) {
    List<T> out = new ArrayList<>();
    for (String s : csv.split(",")) out.add(f.apply(s));
    return out;
  }

  private static String need(String option, String value) {
    if (value == null) throw new IllegalArgumentException(option + " needs a value");
    return value;
  }

  static Path workloadFile(Path data, int workload) {
    return data.resolve("workloads").resolve("workload-" + workload + ".csv");
  }
}
