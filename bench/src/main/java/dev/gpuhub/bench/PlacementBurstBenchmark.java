package dev.gpuhub.bench;

import dev.gpuhub.bench.placement.BurstCluster;
import dev.gpuhub.bench.placement.BurstResult;
import dev.gpuhub.bench.placement.BurstVariant;
import dev.gpuhub.core.allocation.PlacementPolicy;
import dev.gpuhub.core.placement.SelectionAlgorithm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Placement burst benchmark (issue "Placement that holds under bursts"): bursts of spawn decisions
 * (200 and 1,000 by default) over 4, 16 and 64 equal simulated nodes whose reports are taken before
 * the burst and not refreshed during it. Every decision is issued at once from 16 threads released
 * by a latch. Rows: the seed's algorithm (round robin, and best fit) without reservations, and the
 * placement engine (spread, and the seed's round robin over reservation-aware room) with the
 * durable H2 journal, in the same run. Prints a Markdown table, the p99 ratio ours / seed per
 * cluster, and the verdict on the targets (ours: 0 failures, max−min ≤ 1, p99 < 20 ms at 64
 * nodes). Exits 0 whatever the verdict.
 *
 * <p>Usage: {@code PlacementBurstBenchmark [--bursts 200,1000] [--nodes 4,16,64] [--threads 16] [--seed 42]
 * [--journal h2|none]} ({@code none}: ours without durability, to see what the journal costs).
 */
public final class PlacementBurstBenchmark {
  /** The p99 a decision must stay under at {@link #TARGET_NODES} nodes. */
  static final double TARGET_P99_MS = 20;
  static final int TARGET_NODES = 64;

  private PlacementBurstBenchmark() {}

  /**
   * Seed round robin (the ratio's baseline), seed best fit, ours spread, ours round robin; ours
   * journal to H2 when {@code durable}, else to nothing.
   */
  public static List<BurstVariant> variants(boolean durable) {
    return List.of(BurstVariant.seed(SelectionAlgorithm.ROUND_ROBIN), BurstVariant.seed(SelectionAlgorithm.BEST_FIT),
        BurstVariant.ours(PlacementPolicy.SPREAD, durable), BurstVariant.ours(PlacementPolicy.ROUND_ROBIN, durable));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = parse(args);
    int[] bursts = ints(opts.getOrDefault("bursts", "200,1000"));
    int[] nodes = ints(opts.getOrDefault("nodes", "4,16,64"));
    int threads = Integer.parseInt(opts.getOrDefault("threads", "16"));
    long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
    String journal = opts.getOrDefault("journal", "h2");
    if (!journal.equals("h2") && !journal.equals("none")) {
      throw new IllegalArgumentException("--journal must be h2 or none, got " + journal);
    }
    boolean durable = journal.equals("h2");
    System.out.printf(Locale.ROOT, "gpuhub placement burst benchmark: bursts %s over %s equal nodes; %d threads; "
            + "request 2 cores / 2 GB / 1 node, thresholds 80/85; max_containers = ceil(1.25 x burst / nodes); "
            + "stale reports (usage 5-40 %%, seed %d); ours journals to %s; %d cores, Java %s%n",
        Arrays.toString(bursts), Arrays.toString(nodes), threads, seed, durable ? "H2 (durable)" : "nothing", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    System.out.println("warming up (one untimed burst of 200 on 4 nodes per variant) ...");
    warmUp(threads, seed, durable);
    System.out.println();
    System.out.println(HEADER);
    System.out.println(RULE);
    List<BurstResult> results = measure(bursts, nodes, threads, seed, durable, r -> System.out.println(row(r)));
    System.out.println();
    System.out.print(summary(results));
  }

  /** One untimed burst of 200 on 4 nodes per variant, for the JIT. */
  public static void warmUp(int threads, long seed, boolean durable) throws Exception {
    BurstCluster cluster = BurstCluster.of(4, 200, BurstVariant.CPU, BurstVariant.MEMORY_GB, seed);
    for (BurstVariant v : variants(durable)) v.run(cluster, 200, threads);
  }

  /** Every variant on every (burst, nodes), in that order; {@code each} sees each result as it comes. */
  public static List<BurstResult> measure(int[] bursts, int[] nodes, int threads, long seed, boolean durable,
                                          Consumer<BurstResult> each) throws Exception {
    List<BurstResult> out = new ArrayList<>();
    for (int burst : bursts) {
      for (int n : nodes) {
        BurstCluster cluster = BurstCluster.of(n, burst, BurstVariant.CPU, BurstVariant.MEMORY_GB, seed);
        for (BurstVariant v : variants(durable)) {
          BurstResult r = v.run(cluster, burst, threads);
          out.add(r);
          each.accept(r);
        }
      }
    }
    return out;
  }

  static final String HEADER = "| burst | nodes | algorithm | p50 ms | p99 ms | max ms | failures | overbooked | max-min |";
  static final String RULE = "|------:|------:|-----------|-------:|-------:|-------:|---------:|-----------:|--------:|";

  static String row(BurstResult r) {
    return String.format(Locale.ROOT, "| %d | %d | %s | %.3f | %.3f | %.3f | %d | %d | %d |", r.burst(), r.nodes(),
        r.variant(), r.p50Ms(), r.p99Ms(), r.maxMs(), r.failures(), r.overbooked(), r.maxMinusMin());
  }

  /** The p99 ratios per (burst, nodes) and the verdict on the targets. */
  static String summary(List<BurstResult> results) {
    StringBuilder sb = new StringBuilder();
    Map<String, BurstResult> seedRoundRobin = new HashMap<>();
    for (BurstResult r : results) {
      if (r.variant().equals("seed round_robin")) seedRoundRobin.put(r.burst() + "/" + r.nodes(), r);
    }
    for (BurstResult r : results) {
      BurstResult base = seedRoundRobin.get(r.burst() + "/" + r.nodes());
      if (!r.ours() || base == null) continue;
      sb.append(String.format(Locale.ROOT, "burst %d, %d nodes: ours (%s) p99 / seed (round_robin) p99 = %.1f"
              + " (%.3f ms / %.3f ms)%n", r.burst(), r.nodes(), r.variant().substring("ours ".length()),
          r.p99Ms() / Math.max(base.p99Ms(), 1e-6), r.p99Ms(), base.p99Ms()));
    }
    List<BurstResult> ours = results.stream().filter(BurstResult::ours).toList();
    boolean noFailures = !ours.isEmpty() && ours.stream().allMatch(r -> r.failures() == 0);
    int overbooked = ours.stream().mapToInt(BurstResult::overbooked).sum();
    boolean balanced = !ours.isEmpty() && ours.stream().allMatch(r -> r.maxMinusMin() <= 1);
    List<BurstResult> at64 = ours.stream().filter(r -> r.nodes() == TARGET_NODES).toList();
    String fast = at64.isEmpty() ? "not measured (no run at " + TARGET_NODES + " nodes)"
        : at64.stream().allMatch(r -> r.p99Ms() < TARGET_P99_MS) ? "yes" : "no";
    sb.append(String.format(Locale.ROOT, "TARGETS: ours 0 failures: %s; max-min <= 1: %s; p99 < %.0f ms at %d nodes: %s"
            + " (over every 'ours' row; ours overbooked in all: %d)%n", yes(noFailures), yes(balanced), TARGET_P99_MS,
        TARGET_NODES, fast, overbooked));
    return sb.toString();
  }

  private static String yes(boolean b) {
    return b ? "yes" : "no";
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
  }

  private static Map<String, String> parse(String[] args) {
    return Options.parse(args, "PlacementBurstBenchmark [--bursts 200,1000] [--nodes 4,16,64] "
            + "[--threads 16] [--seed 42] [--journal h2|none]");
  }
}
