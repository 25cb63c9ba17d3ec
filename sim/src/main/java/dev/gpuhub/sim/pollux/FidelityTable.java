package dev.gpuhub.sim.pollux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpuhub.core.goodput.policy.Metric;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * scripts/simulate-all.sh: runs the simulator over the artifact's workloads and prints our average
 * JCT next to the artifact's ({@code results-jobload/<policy>-<load>/summary.json}, the average of
 * its {@code jcts}) with the ratio, as Markdown tables.
 *
 * <p>Arguments: {@code [--data DIR] [--threads N] [--loads 0.5,1.0,1.5,2.0] [--workloads 1-8]
 * [--runs pollux,pollux:speed,pollux:cost,tiresias,optimus]}. By default: all three policies plus
 * pollux speed and cost at 1.0x, and pollux, tiresias, optimus at 0.5x, 1.5x and 2.0x.
 */
public final class FidelityTable {
  private record Run(String load, PolicyKind policy, Metric metric, int workload) {
    String label() {
      return policy.wireName() + (metric == Metric.DEFAULT ? "" : ":" + metric.wireName());
    }
  }

  private record Row(Run run, double ours, double reference, long wallMillis) {}

  public static void main(String[] args) throws Exception {
    Path data = null;
    int threads = Runtime.getRuntime().availableProcessors();
    List<String> loads = List.of("0.5", "1.0", "1.5", "2.0");
    int fromWorkload = 1;
    int toWorkload = 8;
    String runs = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--data" -> { data = Path.of(need(a, v)); i++; }
        case "--threads" -> { threads = Integer.parseInt(need(a, v)); i++; }
        case "--loads" -> { loads = List.of(need(a, v).split(",")); i++; }
        case "--workloads" -> {
          String[] r = need(a, v).split("-");
          fromWorkload = Integer.parseInt(r[0]);
          toWorkload = Integer.parseInt(r[r.length - 1]);
          i++;
        }
        case "--runs" -> { runs = need(a, v); i++; }
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    if (data == null) data = DataDir.resolve(null);
    TraceLibrary traces = new TraceLibrary(data);
    List<Run> plan = new ArrayList<>();
    for (String load : loads) {
      List<String> labels = runs != null ? List.of(runs.split(","))
          : load.equals("1.0") ? List.of("tiresias", "optimus", "pollux", "pollux:speed", "pollux:cost")
          : List.of("tiresias", "optimus", "pollux");
      for (String label : labels) {
        String[] pm = label.split(":");
        PolicyKind p = PolicyKind.fromWireName(pm[0]);
        Metric m = pm.length > 1 ? Metric.fromWireName(pm[1]) : Metric.DEFAULT;
        for (int w = fromWorkload; w <= toWorkload; w++) plan.add(new Run(load, p, m, w));
      }
    }
    PrintStream out = System.out;
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    Map<Run, Future<SimulationResult>> futures = new LinkedHashMap<>();
    final Path dataDir = data;
    for (Run run : plan) {
      futures.put(run, pool.submit(() -> {
        Workload w = Workload.load(workloadFile(dataDir, run));
        SimulationResult r = new Simulator(w, traces, SimConfig.of(run.policy(), run.metric())).run();
        System.err.printf(Locale.ROOT, "%s %s workload-%d: %.0f s (%.1f s wall)%n", run.load(), run.label(),
            run.workload(), r.averageJct(), r.wallMillis() / 1000.0);
        return r;
      }));
    }
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<Run, Future<SimulationResult>> e : futures.entrySet()) {
      Run run = e.getKey();
      SimulationResult r = e.getValue().get();
      rows.add(new Row(run, r.averageJct(), reference(dataDir, run), r.wallMillis()));
    }
    pool.shutdown();
    out.println("| load | policy | workload | ours (s) | artifact (s) | ours / artifact | wall (s) |");
    out.println("|---|---|---|---:|---:|---:|---:|");
    for (Row row : rows) {
      out.printf(Locale.ROOT, "| %sx | %s | workload-%d | %.0f | %s | %s | %.1f |%n", row.run().load(), row.run().label(),
          row.run().workload(), row.ours(), fmt(row.reference()), ratio(row.ours(), row.reference()),
          row.wallMillis() / 1000.0);
    }
    out.println();
    out.println("| load | policy | mean ours (s) | mean artifact (s) | ours / artifact | worst workload ratio |");
    out.println("|---|---|---:|---:|---:|---:|");
    Map<String, List<Row>> groups = new LinkedHashMap<>();
    for (Row row : rows) groups.computeIfAbsent(row.run().load() + "|" + row.run().label(), k -> new ArrayList<>()).add(row);
    for (List<Row> g : groups.values()) {
      double ours = g.stream().mapToDouble(Row::ours).average().orElse(0);
      boolean allRefs = g.stream().allMatch(r -> !Double.isNaN(r.reference()));
      double ref = allRefs ? g.stream().mapToDouble(Row::reference).average().orElse(Double.NaN) : Double.NaN;
      double worst = Double.NaN;
      for (Row r : g) {
        double q = r.ours() / r.reference();
        if (!Double.isNaN(q) && (Double.isNaN(worst) || Math.abs(q - 1) > Math.abs(worst - 1))) worst = q;
      }
      out.printf(Locale.ROOT, "| %sx | %s | %.0f | %s | %s | %s |%n", g.get(0).run().load(), g.get(0).run().label(), ours,
          fmt(ref), ratio(ours, ref), Double.isNaN(worst) ? "-" : String.format(Locale.ROOT, "%.3f", worst));
    }
  }

  private static String need(String option, String value) {
    if (value == null) throw new IllegalArgumentException(option + " needs a value");
    return value;
  }

  static Path workloadFile(Path data, Run run) {
    String folder = run.load().equals("1.0") ? "workloads" : "workloads-" + run.load();
    return data.resolve(folder).resolve("workload-" + run.workload() + ".csv");
  }

  /** The artifact's average JCT for this run, or NaN (no reference for pollux speed/cost, or no file). */
  private static double reference(Path data, Run run) throws IOException {
    if (run.metric() != Metric.DEFAULT) return Double.NaN;
    Path summary = data.resolve("results-jobload").resolve(run.policy().wireName() + "-" + run.load())
        .resolve("summary.json");
    if (!Files.isRegularFile(summary)) return Double.NaN;
    JsonNode jcts = new ObjectMapper().readTree(summary.toFile()).path("jcts").path("workload-" + run.workload());
    if (!jcts.isObject() || jcts.isEmpty()) return Double.NaN;
    double sum = 0;
    int n = 0;
    for (JsonNode v : (Iterable<JsonNode>) jcts::elements) {
      sum += v.asDouble();
      n++;
    }
    return sum / n;
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
  }

  private static String ratio(double ours, double ref) {
    return Double.isNaN(ref) ? "-" : String.format(Locale.ROOT, "%.3f", ours / ref);
  }
}
